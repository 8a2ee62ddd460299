"""/api/v1/tokens: create, list and revoke personal API tokens (with a logged-in session only)."""

from __future__ import annotations

from datetime import UTC

from quart_schema import tag, validate_request, validate_response

from photoshare.accounts.sessions import current_api_token, require_user, session_blueprint
from photoshare.errors import ApiTokenNotFoundError, SessionRequiredError
from photoshare.runtime import runtime
from photoshare.tokens import service
from photoshare.tokens.models import ApiToken, ApiTokenIn, ApiTokenListOut, ApiTokenOut, CreatedApiTokenOut
from photoshare.web.errors import error_responses, no_content

blueprint = session_blueprint("tokens_api", __name__, url_prefix="/api/v1")


def token_fields(record: ApiToken) -> dict:
    return {
        "id": record.id,
        "name": record.name,
        "scope": record.scope,
        "token_hint": record.token_hint,
        "created_at": record.created_at.replace(tzinfo=UTC),
        "last_used_at": record.last_used_at.replace(tzinfo=UTC) if record.last_used_at else None,
    }


def session_user():
    """Tokens are managed with the password's session: a stolen token cannot mint or hide others."""
    if current_api_token() is not None:
        raise SessionRequiredError()
    return require_user()


@blueprint.get("/tokens")
@tag(["tokens"])
@validate_response(ApiTokenListOut)
@error_responses(401, 403)
async def list_tokens() -> ApiTokenListOut:
    """My API tokens, newest first (the tokens themselves are never shown again)."""
    records = await service.list_tokens(db=runtime().db, user=session_user())
    return ApiTokenListOut(items=[ApiTokenOut(**token_fields(r)) for r in records])


@blueprint.post("/tokens")
@tag(["tokens"])
@validate_request(ApiTokenIn)
@validate_response(CreatedApiTokenOut, 201)
@error_responses(400, 401, 403)
async def create_token(data: ApiTokenIn) -> tuple[CreatedApiTokenOut, int]:
    """Create a token; the response holds it, once. Only its SHA-256 is stored."""
    new = await service.create_token(db=runtime().db, user=session_user(), name=data.name, scope=data.scope)
    return CreatedApiTokenOut(token=new.token, **token_fields(new.record)), 201


@blueprint.delete("/tokens/<int:token_id>")
@tag(["tokens"])
@no_content
@error_responses(401, 403, 404)
async def revoke_token(token_id: int):
    """Revoke a token: it stops working at once."""
    if not await service.revoke_token(db=runtime().db, user=session_user(), token_id=token_id):
        raise ApiTokenNotFoundError()
    return "", 204
