"""POST /api/webhook: signature first (401 changes nothing), then the schema (400), then the photo (404)."""

from __future__ import annotations

from pydantic import ValidationError
from quart import Blueprint, request

from photoshare.errors import InvalidRequestError
from photoshare.runtime import runtime
from photoshare.webhook import service
from photoshare.webhook.models import ProcessingReport

blueprint = Blueprint("webhook", __name__)


@blueprint.post("/api/webhook")
async def receive_report():
    rt = runtime()
    body = await request.get_data(cache=False)
    await service.verify(signing_key=rt.signing_key, headers=request.headers, body=body)
    try:
        report = ProcessingReport.model_validate_json(body)
    except ValidationError as err:
        raise InvalidRequestError(
            "The report does not match the webhook schema in docs/design.md.",
            errors=[{"location": ".".join(map(str, e["loc"])), "problem": e["msg"]} for e in err.errors()],
        ) from None
    await service.apply_report(db=rt.db, bucket=rt.settings.bucket, report=report)
    return {"status": "ok"}
