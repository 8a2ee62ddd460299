"""The API tokens page: create a token (shown once), see the list, revoke one."""

from __future__ import annotations

from quart import redirect, request, url_for

from photoshare.accounts.sessions import ensure_session, require_user, session_blueprint
from photoshare.errors import ApiTokenNotFoundError
from photoshare.runtime import runtime
from photoshare.tokens import service
from photoshare.tokens.models import NAME_MAX_CHARS
from photoshare.web.pages import render_page

blueprint = session_blueprint("tokens", __name__)


async def tokens_page(status: int = 200, **context):
    user = require_user()
    await ensure_session()
    records = await service.list_tokens(db=runtime().db, user=user)
    page = await render_page("tokens.html", tokens=records, name_max=NAME_MAX_CHARS, **context)
    return page, status


@blueprint.get("/tokens")
async def tokens_list():
    return await tokens_page()


@blueprint.post("/tokens")
async def token_create():
    form = await request.form
    new = await service.create_token(
        db=runtime().db, user=require_user(), name=form.get("name", ""), scope=form.get("scope", "read")
    )
    return await tokens_page(201, created=new)


@blueprint.post("/tokens/<int:token_id>/revoke")
async def token_revoke(token_id: int):
    if not await service.revoke_token(db=runtime().db, user=require_user(), token_id=token_id):
        raise ApiTokenNotFoundError()
    return redirect(url_for("tokens.tokens_list"), 303)
