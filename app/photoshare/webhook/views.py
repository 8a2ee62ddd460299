"""POST /api/webhook: signature first (401 changes nothing), then the schema (400), then the photo (404)."""

from __future__ import annotations

from pydantic import ValidationError
from quart import Blueprint, request

from photoshare.errors import AppError, InvalidRequestError
from photoshare.metrics import registry as metrics
from photoshare.runtime import runtime
from photoshare.webhook import service
from photoshare.webhook.models import ProcessingReport

blueprint = Blueprint("webhook", __name__)


@blueprint.post("/api/webhook")
async def receive_report():
    try:
        result = await apply_signed_report()
    except AppError as err:
        metrics.WEBHOOK_REPORTS.labels(result=err.code).inc()
        raise
    except Exception:
        metrics.WEBHOOK_REPORTS.labels(result="internal_error").inc()
        raise
    metrics.WEBHOOK_REPORTS.labels(result=result).inc()
    return {"status": "ok"}


async def apply_signed_report() -> str:
    """The result for the metrics: the status applied ('ready' or 'failed') or 'duplicate'."""
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
    changed = await service.apply_report(db=rt.db, bucket=rt.settings.bucket, report=report)
    return report.status if changed else "duplicate"
