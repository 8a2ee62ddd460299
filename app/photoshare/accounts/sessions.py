"""Who is asking: the session cookie (or API token) and CSRF checks of every page and API request.

The cookie holds a random 256-bit token; the database holds only its
SHA-256. Over HTTPS (directly or through trusted proxies) the cookie is
__Host-photoshare_session with Secure; over plain HTTP (local development)
photoshare_session. Both are HttpOnly, SameSite=Lax and Path=/.

Every state-changing request must carry its session's CSRF token, in the
X-CSRF-Token header or a csrf_token form field. Anonymous visitors get a
pre-session when a form is shown, so log-in and registration are covered.

Under /api/v1 a personal API token (Authorization: Bearer) may stand in for
the session: then the cookie is ignored, no CSRF token is needed (a browser
never sends the header by itself), and a read token may only use GET.

Log-in and registration start a user's session here, for the pages and the
API alike: a new token replaces the visitor's (no session fixation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from quart import Blueprint, Response, current_app, g, request

from photoshare.accounts import service
from photoshare.accounts.models import NewSession, Session, User
from photoshare.errors import CsrfFailedError, InsufficientScopeError, InvalidTokenError, LoginRequiredError
from photoshare.runtime import runtime
from photoshare.tokens import service as tokens_service
from photoshare.tokens.models import ApiToken

SECURE_COOKIE = "__Host-photoshare_session"
PLAIN_COOKIE = "photoshare_session"
CSRF_HEADER = "X-CSRF-Token"
API_PREFIX = "/api/v1/"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_TOKEN_CHARS = 64
F = TypeVar("F", bound=Callable)


def csrf_checked_in_view(view: F) -> F:
    """The view checks the CSRF token itself (a streamed upload reads it from the body)."""
    view.csrf_checked_in_view = True  # type: ignore[attr-defined]
    return view


def cookie_name() -> str:
    return SECURE_COOKIE if request.scheme == "https" else PLAIN_COOKIE


async def load_session() -> None:
    """before_request: the API token or the live session of the cookie, if any, then the CSRF check."""
    g.session = None
    g.new_cookie = None
    g.api_token = None
    g.token_user = None
    authorization = request.headers.get("Authorization")
    if authorization is not None and request.path.startswith(API_PREFIX):
        await load_api_token(authorization)
        return
    token = request.cookies.get(cookie_name())
    if token and len(token) <= MAX_TOKEN_CHARS:
        rt = runtime()
        g.session = await service.find_session(db=rt.db, settings=rt.settings, token=token)
    if request.method not in SAFE_METHODS:
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "csrf_checked_in_view", False):
            token = request.headers.get(CSRF_HEADER)
            if token is None and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                token = (await request.form).get(CSRF_FIELD)
            check_csrf(token)


async def load_api_token(authorization: str) -> None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidTokenError("Send the API token as 'Authorization: Bearer <token>'.")
    g.api_token, g.token_user = await tokens_service.authenticate(db=runtime().db, token=token.strip())
    if request.method not in SAFE_METHODS and g.api_token.scope != "write":
        raise InsufficientScopeError()


def current_api_token() -> ApiToken | None:
    return g.get("api_token")


def check_csrf(token: str | None) -> None:
    if g.get("api_token") is not None:
        return  # a bearer token is no ambient credential: a forged cross-site request cannot carry it
    session: Session | None = g.session
    if session is None or not service.tokens_match(session.csrf_token, token):
        raise CsrfFailedError()


def current_session() -> Session | None:
    return g.get("session")


def current_user() -> User | None:
    session = current_session()
    return session.user if session else g.get("token_user")


def require_user() -> User:
    user = current_user()
    if user is None:
        raise LoginRequiredError()
    return user


async def ensure_session() -> Session:
    """The visitor's session, or a new anonymous pre-session that carries a CSRF token."""
    session = current_session()
    if session is None:
        issue(await service.start_session(db=runtime().db, user=None, replacing=None))
        session = g.session
    return session


async def log_in_with_password(username: str, password: str) -> Session:
    """Check the password (throttled per account and per client address), then start the user's session."""
    rt = runtime()
    user = await service.authenticate(
        db=rt.db,
        passwords=rt.passwords,
        settings=rt.settings,
        username=username,
        password=password,
        client_ip=request.remote_addr or "",
    )
    return await start_user_session(user)


async def create_account(username: str, password: str, display_name: str | None) -> Session:
    """Register the account, then start its session."""
    rt = runtime()
    user = await service.register(
        db=rt.db, passwords=rt.passwords, username=username, password=password, display_name=display_name
    )
    return await start_user_session(user)


async def start_user_session(user: User) -> Session:
    """The user's session in place of the visitor's current one (a new token: no fixation), its cookie set."""
    new = await service.start_session(db=runtime().db, user=user, replacing=current_session())
    issue(new)
    return new.session


def issue(new: NewSession) -> None:
    g.session = new.session
    g.new_cookie = new.token


def forget() -> None:
    g.session = None
    g.new_cookie = ""


async def apply_cookie(response: Response) -> Response:
    """after_request: set or clear the cookie when the session changed."""
    token = g.get("new_cookie")
    if token is None:
        return response
    secure = request.scheme == "https"
    if token:
        response.set_cookie(
            cookie_name(),
            token,
            max_age=runtime().settings.session_absolute_timeout,
            path="/",
            secure=secure,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(cookie_name(), path="/", secure=secure, httponly=True, samesite="Lax")
    return response


def session_blueprint(name: str, import_name: str, url_prefix: str | None = None) -> Blueprint:
    """A blueprint whose requests load the session, check CSRF and update the cookie."""
    blueprint = Blueprint(name, import_name, url_prefix=url_prefix)
    blueprint.before_request(load_session)
    blueprint.after_request(apply_cookie)
    return blueprint
