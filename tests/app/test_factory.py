"""The factory, the operations endpoints, the OpenAPI document, errors and response headers."""

import pytest
from app_client import Visitor

from photoshare.app import create_app


async def test_create_app_builds_an_app_that_serves(settings):
    app = create_app(settings)
    async with app.test_app() as test_app:
        client = Visitor(test_app.test_client())
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert (ready.status, ready.json()) == (200, {"status": "ready", "checks": {"database": "ok", "storage": "ok"}})


async def test_the_openapi_document_describes_the_v1_api_only(visitor):
    document = (await visitor().get("/api/v1/openapi.json")).json()
    assert document["info"]["title"] == "PhotoShare API"
    assert set(document["paths"]) == {
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/accounts",
        "/api/v1/photos",
        "/api/v1/feed",
        "/api/v1/photos/{public_id}",
        "/api/v1/photos/{photo_id}/comments",
        "/api/v1/photos/{photo_id}/like",
        "/api/v1/comments/{comment_id}",
        "/api/v1/albums",
        "/api/v1/albums/{album_id}",
        "/api/v1/albums/{album_id}/photos",
        "/api/v1/albums/{album_id}/photos/{photo_id}",
        "/api/v1/shares",
        "/api/v1/shares/{share_id}",
        "/api/v1/shares/revoke-all",
        "/api/v1/shared/{token}",
        "/api/v1/shared/{token}/photos",
        "/api/v1/shared/{token}/photos/{photo_id}",
        "/api/v1/shared/{token}/unlock",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
    }
    assert document["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "psk_...",
    }
    upload = document["paths"]["/api/v1/photos"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"201", "409", "413", "415"} <= set(upload["responses"])
    for name in ("PhotoOut", "PhotoMetadataOut", "UserOut", "ErrorDetail"):
        assert name in document["components"]["schemas"]


@pytest.mark.parametrize(
    ("path", "method", "status", "code"),
    [
        ("/api/v1/nothing-here", "GET", 404, "not_found"),
        ("/api/v1/feed", "DELETE", 405, "method_not_allowed"),
        ("/api/webhook", "GET", 405, "method_not_allowed"),
    ],
)
async def test_api_errors_share_one_json_shape(visitor, path, method, status, code):
    reply = await visitor().request(method, path)
    assert reply.status == status
    assert set(reply.json()) == {"error"}
    assert reply.json()["error"]["code"] == code
    assert reply.json()["error"]["message"]


async def test_a_page_error_is_a_page(visitor):
    reply = await visitor().get("/no/such/page")
    assert reply.status == 404
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "There is nothing here." in reply.text


async def test_a_json_body_over_64_kib_is_refused(visitor):
    person = visitor()
    await person.session()
    reply = await person.request("POST", "/api/v1/session", json={"username": "x" * 70000, "password": "p"})
    assert (reply.status, reply.error_code) == (413, "payload_too_large")


async def test_schema_violations_name_the_field(visitor):
    person = visitor()
    await person.session()
    reply = await person.request("POST", "/api/v1/accounts", json={"username": "someone"})
    assert (reply.status, reply.error_code) == (400, "invalid_request")
    assert any(error["location"].endswith("password") for error in reply.json()["error"]["errors"])


async def test_responses_carry_security_headers_and_a_request_id(visitor):
    person = visitor()
    reply = await person.get("/")
    headers = reply.headers
    assert "img-src 'self' https://127.0.0.1:5000" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert (headers["X-Content-Type-Options"], headers["X-Frame-Options"]) == ("nosniff", "DENY")
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert len(headers["X-Request-ID"]) == 32
    echoed = await person.get("/healthz", headers={"X-Request-ID": "alb-trace-1234567"})
    assert echoed.headers["X-Request-ID"] == "alb-trace-1234567"
    refused = await person.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert len(refused.headers["X-Request-ID"]) == 32  # not echoed: only plain ids are taken


async def test_static_files_are_served_and_cacheable(visitor):
    reply = await visitor().get("/static/upload.js")
    assert reply.status == 200
    assert "XMLHttpRequest" in reply.text
    assert reply.headers.get("Cache-Control") != "no-store"


async def test_pages_render_for_everyone(visitor):
    anonymous = visitor()
    for path in ("/", "/login", "/register"):
        reply = await anonymous.get(path)
        assert reply.status == 200, path
        assert "<!doctype html>" in reply.text
    alice = visitor()
    await alice.register("alice")
    for path in ("/photos", "/upload"):
        reply = await alice.get(path)
        assert reply.status == 200, path
        assert "Log out alice" in reply.text


async def test_the_api_docs_page_describes_every_operation_without_a_script(visitor):
    person = visitor()
    document = (await person.get("/api/v1/openapi.json")).json()
    reply = await person.get("/api/v1/docs")
    assert reply.status == 200
    assert "<script" not in reply.text  # it works offline and under the strict CSP
    assert "script-src 'self'" in reply.headers["Content-Security-Policy"]
    for path, item in document["paths"].items():
        for method in item:
            assert f'<span class="method">{method}</span><code>{path}</code>' in reply.text, (method, path)
    assert 'id="schema-PhotoOut"' in reply.text
    assert 'id="schema-SharedPhotoOut"' in reply.text
    assert "Authorization: Bearer" in reply.text
    assert "/api/v1/docs" not in document["paths"]
