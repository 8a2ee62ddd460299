"""Error responses: one JSON shape for the API, a plain page for people, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from quart import Quart, jsonify, make_response, redirect, request, url_for
from quart_schema import RequestSchemaValidationError, document_response
from werkzeug.exceptions import HTTPException

from photoshare.errors import (
    AppError,
    InvalidRequestError,
    LoginRequiredError,
    MethodNotAllowedError,
    NotFoundError,
    PayloadTooLargeError,
    ServiceUnavailableError,
)
from photoshare.logs import loggable_path, logger
from photoshare.web.pages import render_page

F = TypeVar("F", bound=Callable)
HTTP_ERRORS: dict[int, type[AppError]] = {
    400: InvalidRequestError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    413: PayloadTooLargeError,
}


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str = Field(description="machine-readable, stable: e.g. not_found, csrf_failed, duplicate_photo")
    message: str = Field(description="for people: what happened and what to do")


class ErrorOut(BaseModel):
    error: ErrorDetail


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


async def error_response(err: AppError) -> Any:
    if wants_json():
        response = jsonify({"error": {"code": err.code, "message": err.message, **err.details}})
    elif isinstance(err, LoginRequiredError) and request.method == "GET":
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    else:
        response = await make_response(await render_page(err.page_template, error=err))
    response.status_code = err.status
    response.headers.update(err.headers)
    return response


def register_error_handlers(app: Quart) -> None:
    @app.errorhandler(AppError)
    async def app_error(err: AppError) -> Any:
        if isinstance(err, ServiceUnavailableError):
            logger.warning(
                "dependency_unavailable", extra={"dependency": err.dependency, "path": loggable_path(request.path)}
            )
        return await error_response(err)

    @app.errorhandler(RequestSchemaValidationError)
    async def schema_error(err: RequestSchemaValidationError) -> Any:
        problems = getattr(err.validation_error, "errors", None)
        details = (
            [{"location": ".".join(map(str, e["loc"])), "problem": e["msg"]} for e in problems()]
            if callable(problems)
            else [{"location": "body", "problem": str(err.validation_error)}]
        )
        return await error_response(
            InvalidRequestError("The request body or query does not match the schema.", errors=details)
        )

    @app.errorhandler(UnicodeDecodeError)
    async def undecodable_body(err: UnicodeDecodeError) -> Any:
        # Quart decodes a JSON body as UTF-8 before parsing it, and lets the error through.
        return await error_response(InvalidRequestError("The request body is not UTF-8 text. Send UTF-8 JSON."))

    @app.errorhandler(HTTPException)
    async def http_error(err: HTTPException) -> Any:
        error_class = HTTP_ERRORS.get(err.code or 500)
        if error_class is None:
            error = AppError(err.description)
            error.status, error.code = err.code or 500, (err.name or "error").lower().replace(" ", "_")
        else:
            error = error_class()
        return await error_response(error)

    @app.errorhandler(Exception)
    async def unexpected_error(err: Exception) -> Any:
        logger.error("unhandled_exception", exc_info=err, extra={"path": loggable_path(request.path)})
        return await error_response(AppError())


def error_responses(*statuses: int) -> Callable[[F], F]:
    """Document the ErrorOut shape for each status a route may answer with (OpenAPI, schemathesis)."""

    def decorate(view: F) -> F:
        for status in statuses:
            view = document_response(ErrorOut, status)(view)
        return view

    return decorate


class NoContent(BaseModel):
    """No body: the request succeeded (the OpenAPI provider documents this model as an empty 204)."""


def no_content(view: F) -> F:
    return document_response(NoContent, 204)(view)
