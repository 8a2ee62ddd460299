"""Personal API tokens: made and revoked with a logged-in session, shown once, stored as a hash,
sent as Authorization: Bearer; a read token cannot write."""

import hashlib
import re

import pytest
import sample_images
from app_client import multipart_body
from stored_state import scalar


@pytest.fixture
async def alice(visitor):
    person = visitor()
    await person.register("alice")
    return person


async def make_token(person, scope: str, name: str = "script") -> dict:
    reply = await person.request("POST", "/api/v1/tokens", json={"name": name, "scope": scope})
    assert reply.status == 201, reply.body
    return reply.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_is_shown_once_and_only_its_hash_is_stored(alice, clean_database):
    made = await make_token(alice, "read", "backup")
    token = made["token"]
    assert token.startswith("psk_")
    assert len(token) >= 40
    assert made["token_hint"] == token[:8]
    stored = scalar(clean_database, "SELECT token_hash FROM api_tokens")
    assert stored == hashlib.sha256(token.encode()).digest()
    assert scalar(clean_database, "SELECT COUNT(*) FROM api_tokens WHERE token_hint = %s", token[:8]) == 1
    (listed,) = (await alice.get("/api/v1/tokens")).json()["items"]
    assert (listed["name"], listed["scope"], listed["last_used_at"]) == ("backup", "read", None)
    assert "token" not in listed
    assert token not in (await alice.get("/tokens")).text


async def test_a_read_token_reads_but_never_writes(alice, visitor, clean_database):
    photo = await alice.upload(sample_images.jpeg(), caption="mine")
    photo_id = photo.json()["id"]
    token = (await make_token(alice, "read"))["token"]
    script = visitor()  # no cookie at all: the token is the only credential
    listed = await script.get("/api/v1/photos", headers=bearer(token))
    assert [p["id"] for p in listed.json()["items"]] == [photo_id]
    me = (await script.get("/api/v1/me", headers=bearer(token))).json()
    assert (me["user"]["username"], me["authenticated_by"], me["token_scope"]) == ("alice", "token", "read")
    body, form_type = multipart_body({"caption": "x"}, ("a.jpg", sample_images.jpeg(seed=4), "image/jpeg"))
    for method, path, kwargs in (
        ("PATCH", f"/api/v1/photos/{photo_id}", {"json": {"caption": "changed"}}),
        ("DELETE", f"/api/v1/photos/{photo_id}", {}),
        ("POST", "/api/v1/albums", {"json": {"title": "x"}}),
        ("PUT", f"/api/v1/photos/{photo_id}/like", {}),
        ("POST", "/api/v1/photos", {"data": body, "headers": {"Content-Type": form_type}}),
    ):
        headers = {**kwargs.pop("headers", {}), **bearer(token)}
        reply = await script.request(method, path, headers=headers, **kwargs)
        assert (reply.status, reply.error_code) == (403, "insufficient_scope"), (method, path)
    assert scalar(clean_database, "SELECT caption FROM photos") == "mine"
    assert scalar(clean_database, "SELECT COUNT(*) FROM photos") == 1
    assert scalar(clean_database, "SELECT last_used_at IS NOT NULL FROM api_tokens") == 1


async def test_a_write_token_writes_without_a_csrf_token(alice, visitor, clean_database):
    token = (await make_token(alice, "write"))["token"]
    script = visitor()
    made = await script.request("POST", "/api/v1/albums", json={"title": "From a script"}, headers=bearer(token))
    assert made.status == 201
    uploaded = await script.upload(sample_images.jpeg(seed=2), headers=bearer(token))
    assert uploaded.status == 201
    assert scalar(clean_database, "SELECT COUNT(*) FROM photos") == 1


async def test_revoked_unknown_and_malformed_tokens_are_refused(alice, visitor, clean_database):
    made = await make_token(alice, "write")
    script = visitor()
    assert (await script.get("/api/v1/me", headers=bearer(made["token"]))).status == 200
    assert (await alice.request("DELETE", f"/api/v1/tokens/{made['id']}")).status == 204
    for header in (f"Bearer {made['token']}", "Bearer psk_" + "x" * 43, "Basic YWxpY2U6cHc=", "Bearer "):
        reply = await script.get("/api/v1/me", headers={"Authorization": header})
        assert (reply.status, reply.error_code) == (401, "invalid_token"), header
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    again = await alice.request("DELETE", f"/api/v1/tokens/{made['id']}")
    assert (again.status, again.error_code) == (404, "api_token_not_found")


async def test_tokens_are_managed_only_with_a_session_and_only_ones_own(alice, visitor, clean_database):
    token = (await make_token(alice, "write"))["token"]
    script = visitor()
    for method, path, kwargs in (
        ("GET", "/api/v1/tokens", {}),
        ("POST", "/api/v1/tokens", {"json": {"name": "more", "scope": "write"}}),
        ("DELETE", "/api/v1/tokens/1", {}),
    ):
        reply = await script.request(method, path, headers=bearer(token), **kwargs)
        assert (reply.status, reply.error_code) == (403, "session_required"), path
    bob = visitor()
    await bob.register("bob")
    (alices,) = (await alice.get("/api/v1/tokens")).json()["items"]
    assert (await bob.request("DELETE", f"/api/v1/tokens/{alices['id']}")).status == 404
    assert (await bob.get("/api/v1/tokens")).json()["items"] == []
    bad = await alice.request("POST", "/api/v1/tokens", json={"name": "x", "scope": "admin"})
    assert bad.status == 400


async def test_the_tokens_page_creates_shows_once_and_revokes(alice, clean_database):
    made = await alice.request("POST", "/tokens", form={"name": "laptop", "scope": "write"})
    assert made.status == 201
    token = re.search(r'value="(psk_[^"]+)"', made.text).group(1)
    assert "shown this once" in made.text
    listing = (await alice.get("/tokens")).text
    assert "laptop" in listing
    assert token[:8] in listing
    assert token not in listing
    (record,) = (await alice.get("/api/v1/tokens")).json()["items"]
    revoked = await alice.request("POST", f"/tokens/{record['id']}/revoke", form={})
    assert revoked.status == 303
    assert scalar(clean_database, "SELECT COUNT(*) FROM api_tokens") == 0
