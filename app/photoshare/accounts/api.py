"""/api/v1/session and /api/v1/accounts: the same accounts as JSON."""

from __future__ import annotations

from quart_schema import tag, validate_request, validate_response

from photoshare.accounts import service
from photoshare.accounts.models import LoginIn, MeOut, RegisterIn, Session, SessionOut, StorageOut, UserOut
from photoshare.accounts.sessions import (
    create_account,
    current_api_token,
    current_session,
    ensure_session,
    forget,
    log_in_with_password,
    require_user,
    session_blueprint,
)
from photoshare.photos.service import storage_used
from photoshare.runtime import runtime
from photoshare.web.errors import error_responses, no_content

blueprint = session_blueprint("accounts_api", __name__, url_prefix="/api/v1")


def session_out(session: Session) -> SessionOut:
    user = session.user
    return SessionOut(
        user=UserOut(username=user.username, display_name=user.display_name) if user else None,
        csrf_token=session.csrf_token,
    )


@blueprint.get("/session")
@tag(["session"])
@validate_response(SessionOut)
async def get_session() -> SessionOut:
    """The current session and its CSRF token (an anonymous one is created if there is none)."""
    return session_out(await ensure_session())


@blueprint.get("/me")
@tag(["session"])
@validate_response(MeOut)
@error_responses(401)
async def get_me() -> MeOut:
    """Who is calling (by session or API token) and how much of the storage quota they use."""
    user = require_user()
    rt = runtime()
    token = current_api_token()
    return MeOut(
        user=UserOut(username=user.username, display_name=user.display_name),
        authenticated_by="token" if token else "session",
        token_scope=token.scope if token else None,
        storage=StorageOut(
            used_bytes=await storage_used(db=rt.db, user=user), quota_bytes=rt.settings.storage_quota_bytes
        ),
    )


@blueprint.post("/session")
@tag(["session"])
@validate_request(LoginIn)
@validate_response(SessionOut)
@error_responses(400, 401, 403, 429)
async def log_in(data: LoginIn) -> SessionOut:
    """Log in; the session cookie is replaced by a new one."""
    return session_out(await log_in_with_password(data.username, data.password))


@blueprint.delete("/session")
@tag(["session"])
@no_content
@error_responses(403)
async def log_out():
    """Log out: the session is deleted on the server."""
    session = current_session()
    if session is not None:
        await service.end_session(db=runtime().db, session=session)
    forget()
    return "", 204


@blueprint.post("/accounts")
@tag(["session"])
@validate_request(RegisterIn)
@validate_response(SessionOut, 201)
@error_responses(400, 403, 409)
async def register(data: RegisterIn) -> tuple[SessionOut, int]:
    """Create an account and log in as it."""
    return session_out(await create_account(data.username, data.password, data.display_name)), 201
