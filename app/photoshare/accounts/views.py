"""The account pages: register, log in, log out."""

from __future__ import annotations

from urllib.parse import urlsplit

from quart import redirect, request, url_for

from photoshare.accounts import service
from photoshare.accounts.sessions import (
    create_account,
    current_session,
    current_user,
    ensure_session,
    forget,
    log_in_with_password,
    session_blueprint,
)
from photoshare.errors import InvalidCredentialsError, InvalidRequestError, TooManyAttemptsError, UsernameTakenError
from photoshare.runtime import runtime
from photoshare.web.pages import render_page

blueprint = session_blueprint("accounts", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would hand our users to anyone."""
    if not target:
        return url_for("photos.my_photos")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("photos.my_photos")
    return target


@blueprint.get("/login")
async def login():
    if current_user() is not None:
        return redirect(url_for("photos.my_photos"))
    await ensure_session()
    return await render_page("login.html", next=request.args.get("next", ""))


@blueprint.post("/login")
async def login_submit():
    form = await request.form
    try:
        await log_in_with_password(form.get("username", ""), form.get("password", ""))
    except (InvalidCredentialsError, TooManyAttemptsError) as err:
        page = await render_page("login.html", next=form.get("next", ""), error=err.message)
        return page, err.status, err.headers
    return redirect(safe_next(form.get("next")), 303)


@blueprint.get("/register")
async def register():
    if current_user() is not None:
        return redirect(url_for("photos.my_photos"))
    await ensure_session()
    return await render_page("register.html")


@blueprint.post("/register")
async def register_submit():
    form = await request.form
    try:
        await create_account(form.get("username", ""), form.get("password", ""), form.get("display_name"))
    except (InvalidRequestError, UsernameTakenError) as err:
        page = await render_page("register.html", error=err.message, form=form)
        return page, err.status
    return redirect(url_for("photos.my_photos"), 303)


@blueprint.post("/logout")
async def logout():
    session = current_session()
    if session is not None:
        await service.end_session(db=runtime().db, session=session)
    forget()
    return redirect(url_for("photos.feed"), 303)
