"""Security headers on every response the app makes.

Images come only from the bucket's origin (presigned URLs); scripts and
styles only from /static. Dynamic responses are never cached: they carry
presigned URLs and per-session CSRF tokens.
"""

from __future__ import annotations

from quart import Response, request

from photoshare.runtime import runtime


def content_security_policy(image_origin: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' {image_origin}; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


async def add_security_headers(response: Response) -> Response:
    headers = response.headers
    storage = getattr(runtime(), "storage", None)
    headers.setdefault("Content-Security-Policy", content_security_policy(storage.signer.origin if storage else ""))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Presigned URLs must not leak page addresses to S3, nor page addresses to other sites.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.scheme == "https":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not request.path.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")
    return response
