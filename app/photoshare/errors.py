"""Every error the app answers with: an HTTP status, a machine-readable code and a message for people.

API routes (/api/...) answer {"error": {"code", "message", ...}}; pages answer
an HTML page with the same message. Services raise these; nothing else
reaches a client (an unexpected exception becomes a logged 500 without a
traceback).
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status = 500
    code = "internal_error"
    message = "Something went wrong on our side. Try again; if it keeps happening, tell the operators."
    default_headers: dict[str, str] = {}  # noqa: RUF012 - read only
    page_template = "error.html"  # what a person sees instead of the JSON

    def __init__(self, message: str | None = None, *, headers: dict[str, str] | None = None, **details: Any) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.headers = {**self.default_headers, **(headers or {})}
        self.details = details


class InvalidRequestError(AppError):
    status = 400
    code = "invalid_request"
    message = "The request is not valid."


class InvalidCursorError(InvalidRequestError):
    code = "invalid_cursor"
    message = "The page cursor is not one PhotoShare made. Start again from the first page."


class InvalidUploadError(InvalidRequestError):
    code = "invalid_upload"
    message = "The upload is not a well-formed multipart/form-data body with one file."


class EmptyFileError(InvalidRequestError):
    code = "empty_file"
    message = "The file is empty (0 bytes). Pick a photo."


class InvalidFilenameError(InvalidRequestError):
    code = "invalid_filename"
    message = "The file name must be a plain name, without folders ('/' or '\\'), '..' or control characters."


class LoginRequiredError(AppError):
    status = 401
    code = "login_required"
    message = "Log in to do this."


class InvalidCredentialsError(AppError):
    status = 401
    code = "invalid_credentials"
    message = "Wrong username or password."


class InvalidSignatureError(AppError):
    status = 401
    code = "invalid_signature"
    message = "The webhook signature is missing, wrong or too old (more than 300 s from the app's clock)."


class CsrfFailedError(AppError):
    status = 403
    code = "csrf_failed"
    message = "The form's security token is missing or out of date. Reload the page and try again."


class NotOwnerError(AppError):
    status = 403
    code = "not_owner"
    message = "Only the photo's owner can change or delete it."


class InvalidTokenError(AppError):
    status = 401
    code = "invalid_token"
    message = "The API token is unknown or was revoked. Create a new one on the API tokens page."
    # RFC 6750: a client learns from the header which scheme to use.
    default_headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}  # noqa: RUF012 - read only


class SharePasswordRequiredError(AppError):
    status = 401
    code = "share_password_required"
    message = "This link is protected by a password. Enter the password the owner gave you."


class WrongSharePasswordError(AppError):
    status = 401
    code = "wrong_share_password"
    message = "That is not the link's password. Check it with the person who shared the link."


class InsufficientScopeError(AppError):
    status = 403
    code = "insufficient_scope"
    message = "This API token may only read. Create a token with the write scope to change anything."


class SessionRequiredError(AppError):
    status = 403
    code = "session_required"
    message = "Manage API tokens while logged in with your password, not with an API token."


class NotCommentAuthorError(AppError):
    status = 403
    code = "not_comment_author"
    message = "Only the comment's author or the photo's owner can delete it."


class MetricsForbiddenError(AppError):
    status = 403
    code = "metrics_forbidden"
    message = (
        "Metrics are served only to the networks in PHOTOSHARE_METRICS_ALLOWED_NETWORKS"
        " or with the token whose SHA-256 is PHOTOSHARE_METRICS_TOKEN_SHA256."
    )


class NotFoundError(AppError):
    status = 404
    code = "not_found"
    message = "There is nothing here."


class PhotoNotFoundError(NotFoundError):
    code = "photo_not_found"
    message = "There is no such photo, or it is not shared with you."


class UnknownPhotoError(NotFoundError):
    code = "unknown_photo"
    message = "No photo has this key: it was deleted, or it is not one of ours."


class AlbumNotFoundError(NotFoundError):
    code = "album_not_found"
    message = "There is no such album, or it is not yours."


class CommentNotFoundError(NotFoundError):
    code = "comment_not_found"
    message = "There is no such comment, or it is not on a photo you can see."


class ShareNotFoundError(NotFoundError):
    code = "share_not_found"
    page_template = "share_gone.html"
    message = "There is no such share link. Check that you copied the whole address."


class ShareLinkNotFoundError(NotFoundError):
    code = "share_link_not_found"
    message = "You have no share link with this id."


class ApiTokenNotFoundError(NotFoundError):
    code = "api_token_not_found"
    message = "You have no API token with this id."


class ShareGoneError(AppError):
    status = 410
    code = "share_gone"
    page_template = "share_gone.html"
    message = "This share link no longer works. Ask the person who shared it for a new link."


class ShareRevokedError(ShareGoneError):
    code = "share_revoked"
    message = "The owner has revoked this share link. Ask them for a new link if you still need it."


class ShareExpiredError(ShareGoneError):
    code = "share_expired"
    message = "This share link has expired. Ask the person who shared it for a new link."


class MethodNotAllowedError(AppError):
    status = 405
    code = "method_not_allowed"
    message = "This address does not take that method."


class UploadTimeoutError(AppError):
    status = 408
    code = "upload_timeout"
    message = "The upload stalled: no data arrived for too long. Try again."


class UsernameTakenError(AppError):
    status = 409
    code = "username_taken"
    message = "That username is taken. Pick another one."


class DuplicatePhotoError(AppError):
    status = 409
    code = "duplicate_photo"
    message = "You have already uploaded this photo."


class PayloadTooLargeError(AppError):
    status = 413
    code = "payload_too_large"
    message = "The request is too large."


class QuotaExceededError(PayloadTooLargeError):
    code = "quota_exceeded"
    message = "This upload would take you over your storage quota. Delete some photos to make room."


class UnsupportedTypeError(AppError):
    status = 415
    code = "unsupported_type"


class TooManyAttemptsError(AppError):
    status = 429
    code = "too_many_attempts"
    message = "Too many failed log-ins. Wait a few minutes and try again."


class TooManyShareAttemptsError(TooManyAttemptsError):
    code = "too_many_share_attempts"
    message = "Too many wrong passwords for this link. Wait a few minutes and try again."


class ServiceUnavailableError(AppError):
    status = 503
    code = "service_unavailable"
    dependency = "service"
    # What /readyz reports when it differs from the message users see.
    reason: str | None = None

    def __init__(self, message: str | None = None, **details: Any) -> None:
        super().__init__(message, headers={"Retry-After": "30"}, **details)


class DatabaseUnavailableError(ServiceUnavailableError):
    code = "database_unavailable"
    dependency = "database"
    message = "PhotoShare cannot reach its database right now. Try again in a minute."


class DatabaseTLSError(DatabaseUnavailableError):
    """The database's certificate failed verification: a wrong CA bundle, host name or server.
    Users see the plain message; /readyz and the logs name the failure for the operator."""

    def __init__(self, verify_message: str) -> None:
        super().__init__()
        self.reason = f"TLS verification failed: {verify_message}"


class StorageUnavailableError(ServiceUnavailableError):
    code = "storage_unavailable"
    dependency = "storage"
    message = "PhotoShare cannot reach its photo storage right now. Nothing was changed; try again in a minute."


class SecretsUnavailableError(ServiceUnavailableError):
    code = "secrets_unavailable"
    dependency = "secrets"
    message = "PhotoShare cannot read its configuration secrets right now. Try again in a minute."
