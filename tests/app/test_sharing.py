"""Share links as their owner and their viewers use them: tokens, expiry, passwords (throttled),
downloads, view counts, revoking one or all, the owner's page, the friendly 404/410 pages, and
what a viewer never sees."""

import logging
import re
from urllib.parse import urlsplit

import pytest
from social_helpers import make_album, process, share, upload
from stored_state import execute, scalar

from photoshare.sharing.service import hash_token


@pytest.fixture
async def people(visitor):
    alice, bob, stranger = visitor(), visitor(), visitor()
    await alice.register("alice", display_name="Alice Liddell")
    await bob.register("bob")
    await stranger.session()
    return alice, bob, stranger


def token_of(link: dict) -> str:
    return urlsplit(link["url"]).path.removeprefix("/s/")


async def test_a_link_shows_a_private_photo_to_anyone_who_has_it(
    people, clean_database, s3_client, empty_bucket, app_secrets
):
    alice, bob, stranger = people
    photo_id = await upload(alice, "private", caption="Sunset")
    await process(alice, clean_database, s3_client, empty_bucket, app_secrets.webhook_key, photo_id)
    link = await share(alice, photo_id=photo_id)
    token = token_of(link)
    assert len(token) == 43
    assert link["state"] == "active"
    assert link["view_count"] == 0
    assert scalar(clean_database, "SELECT COUNT(*) FROM share_links WHERE token_hash = %s", hash_token(token)) == 1
    assert scalar(clean_database, "SELECT COUNT(*) FROM share_links WHERE token_hint = %s", token[:6]) == 1
    assert (await stranger.get(f"/api/v1/photos/{photo_id}")).status == 404  # the photo itself stays private
    page = await stranger.get(f"/s/{token}")
    assert page.status == 200
    assert "Sunset" in page.text
    assert "1024.webp" in page.text
    shared = (await stranger.get(f"/api/v1/shared/{token}")).json()
    assert shared["kind"] == "photo"
    assert shared["photo"]["id"] == photo_id
    assert shared["photo"]["urls"]["original"] is None  # downloads are off by default
    assert "1024.webp" in shared["photo"]["urls"]["thumbnail_1024"]
    assert (await bob.get(f"/api/v1/shared/{token}")).status == 200
    (listed,) = (await alice.get("/api/v1/shares")).json()["items"]
    assert (listed["view_count"], listed["target_id"], listed["token_hint"]) == (3, photo_id, token[:6])
    assert "token" not in listed


async def test_share_viewers_never_see_the_original_or_its_file_details_unless_allowed(
    people, clean_database, s3_client, empty_bucket, app_secrets
):
    alice, _, stranger = people
    photo_id = await upload(alice, "private")
    await process(alice, clean_database, s3_client, empty_bucket, app_secrets.webhook_key, photo_id)
    original_key = scalar(clean_database, "SELECT object_key FROM photos")
    closed, open_ = await share(alice, photo_id=photo_id), await share(alice, photo_id=photo_id, allow_download=True)
    for link in (closed, open_):
        page = (await stranger.get(f"/s/{token_of(link)}")).text
        body = (await stranger.get(f"/api/v1/shared/{token_of(link)}")).text
        for shown in (page, body):
            assert "IMG_0.jpg" not in shown
            assert "alice" not in shown
            assert "sha256" not in shown
            assert "latitude" not in shown.lower()
            assert "gps" not in shown.lower()
            assert "serial" not in shown.lower()
        assert (original_key in page) == (original_key in body) == (link is open_)
    assert "Download the original" in (await stranger.get(f"/s/{token_of(open_)}")).text


async def test_an_album_link_pages_through_the_album_and_nothing_else(people, clean_database):
    alice, _, stranger = people
    in_album = [await upload(alice, "private", seed=seed) for seed in range(3)]
    outside = await upload(alice, "private", seed=9)
    album_id = await make_album(alice, "Trip", tuple(in_album))
    token = token_of(await share(alice, album_id=album_id))
    shared = (await stranger.get(f"/api/v1/shared/{token}")).json()
    assert shared["album"]["title"] == "Trip"
    assert shared["album"]["photo_count"] == 3
    photos = (await stranger.get(f"/api/v1/shared/{token}/photos")).json()
    assert [p["id"] for p in photos["items"]] == in_album[::-1]
    assert (await stranger.get(f"/api/v1/shared/{token}/photos/{in_album[0]}")).status == 200
    assert (await stranger.get(f"/api/v1/shared/{token}/photos/{outside}")).status == 404
    assert (await stranger.get(f"/s/{token}/photos/{outside}")).status == 404
    page = (await stranger.get(f"/s/{token}")).text
    assert all(f"/s/{token}/photos/{photo}" in page for photo in in_album)


async def test_revoked_and_expired_links_answer_410_with_a_friendly_page(people, clean_database):
    alice, _, stranger = people
    photo_id = await upload(alice)
    revoked, expired, unknown = await share(alice, photo_id=photo_id), await share(alice, photo_id=photo_id), "x" * 43
    expired_link = await share(alice, photo_id=photo_id, expires_in_seconds=3600)
    assert expired_link["expires_at"] is not None
    execute(
        clean_database,
        "UPDATE share_links SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE id = %s",
        expired_link["id"],
    )
    reply = await alice.request("DELETE", f"/api/v1/shares/{revoked['id']}")
    assert (reply.status, reply.json()["state"]) == (200, "revoked")
    for link, code in ((revoked, "share_revoked"), (expired_link, "share_expired")):
        api = await stranger.get(f"/api/v1/shared/{token_of(link)}")
        assert (api.status, api.error_code) == (410, code)
        page = await stranger.get(f"/s/{token_of(link)}")
        assert page.status == 410
        assert "This link no longer works" in page.text
    missing = await stranger.get(f"/s/{unknown}")
    assert missing.status == 404
    assert "There is no such link" in missing.text
    assert (await stranger.get("/api/v1/shared/not-a-token")).error_code == "share_not_found"
    assert (await stranger.get(f"/s/{token_of(expired)}")).status == 200  # the others still work
    states = {item["id"]: item["state"] for item in (await alice.get("/api/v1/shares")).json()["items"]}
    assert states == {revoked["id"]: "revoked", expired["id"]: "active", expired_link["id"]: "expired"}


async def test_revoke_all_stops_every_link_and_only_the_owner_revokes(people, clean_database):
    alice, bob, stranger = people
    links = [await share(alice, photo_id=await upload(alice, seed=seed)) for seed in range(3)]
    bobs = await share(bob, photo_id=await upload(bob, seed=5))
    refused = await bob.request("DELETE", f"/api/v1/shares/{links[0]['id']}")
    assert (refused.status, refused.error_code) == (404, "share_link_not_found")
    assert (await alice.request("POST", "/api/v1/shares/revoke-all")).json() == {"revoked": 3}
    assert (await alice.request("POST", "/api/v1/shares/revoke-all")).json() == {"revoked": 0}
    for link in links:
        assert (await stranger.get(f"/api/v1/shared/{token_of(link)}")).status == 410
    assert (await stranger.get(f"/api/v1/shared/{token_of(bobs)}")).status == 200
    page = (await alice.get("/shares")).text
    assert page.count('class="state">revoked<') == 3
    assert "Revoke all links" in page


async def test_a_password_link_needs_the_password_once_per_session(people, clean_database, visitor):
    alice, _, stranger = people
    photo_id = await upload(alice, caption="Secret")
    link = await share(alice, photo_id=photo_id, password="open sesame")
    token = token_of(link)
    assert scalar(clean_database, "SELECT password_hash FROM share_links").startswith("$argon2id$")
    locked = await stranger.get(f"/api/v1/shared/{token}")
    assert (locked.status, locked.error_code) == (401, "share_password_required")
    form = await stranger.get(f"/s/{token}")
    assert form.status == 401
    assert 'type="password"' in form.text
    assert "Secret" not in form.text
    wrong = await stranger.request("POST", f"/api/v1/shared/{token}/unlock", json={"password": "guess"})
    assert (wrong.status, wrong.error_code) == (401, "wrong_share_password")
    wrong_page = await stranger.request("POST", f"/s/{token}/unlock", form={"password": "guess"})
    assert wrong_page.status == 401
    assert "not the link" in wrong_page.text
    right = await stranger.request("POST", f"/s/{token}/unlock", form={"password": "open sesame"})
    assert (right.status, right.headers["Location"]) == (303, f"/s/{token}")
    assert "Secret" in (await stranger.get(f"/s/{token}")).text
    assert (await stranger.get(f"/api/v1/shared/{token}")).status == 200
    other = visitor()
    await other.session()
    assert (await other.get(f"/api/v1/shared/{token}")).status == 401  # another session must unlock too
    no_csrf = await other.request("POST", f"/api/v1/shared/{token}/unlock", csrf=False, json={"password": "x"})
    assert (no_csrf.status, no_csrf.error_code) == (403, "csrf_failed")


async def test_wrong_passwords_are_throttled_per_link(people, clean_database, visitor):
    alice, _, _ = people
    token = token_of(await share(alice, photo_id=await upload(alice), password="open sesame"))
    guesser = visitor()
    await guesser.session()
    for _ in range(10):  # PHOTOSHARE_SHARE_MAX_FAILURES_PER_LINK
        reply = await guesser.request("POST", f"/api/v1/shared/{token}/unlock", json={"password": "wrong guess"})
        assert reply.status == 401
    throttled = await guesser.request("POST", f"/api/v1/shared/{token}/unlock", json={"password": "open sesame"})
    assert (throttled.status, throttled.error_code) == (429, "too_many_share_attempts")
    assert int(throttled.headers["Retry-After"]) > 0
    patient = visitor()  # another visitor, same link: the limit is the link's
    await patient.session()
    reply = await patient.request("POST", f"/api/v1/shared/{token}/unlock", json={"password": "open sesame"})
    assert reply.status == 429
    execute(clean_database, "DELETE FROM login_failures")  # the window passed
    assert (
        await patient.request("POST", f"/api/v1/shared/{token}/unlock", json={"password": "open sesame"})
    ).status == 204


async def test_only_the_owner_shares_and_links_die_with_their_photo(people, clean_database):
    alice, bob, stranger = people
    public = await upload(alice, "public")
    private = await upload(alice, "private", seed=1)
    album_id = await make_album(alice)
    for body, status, code in (
        ({"photo_id": public}, 403, "not_owner"),
        ({"photo_id": private}, 404, "photo_not_found"),
        ({"album_id": album_id}, 404, "album_not_found"),
    ):
        reply = await bob.request("POST", "/api/v1/shares", json=body)
        assert (reply.status, reply.error_code) == (status, code)
    both = await alice.request("POST", "/api/v1/shares", json={"photo_id": public, "album_id": album_id})
    assert both.status == 400
    token = token_of(await share(alice, photo_id=private))
    assert (await alice.request("DELETE", f"/api/v1/photos/{private}")).status == 204
    assert (await stranger.get(f"/s/{token}")).status == 404
    assert scalar(clean_database, "SELECT COUNT(*) FROM share_links") == 0


async def test_the_owner_makes_links_from_the_pages_and_sees_them_listed(people, clean_database):
    alice, _, stranger = people
    photo_id = await upload(alice, caption="Lake")
    photo_page = (await alice.get(f"/photos/{photo_id}")).text
    assert 'action="/shares"' in photo_page
    assert "Allow download of the original" in photo_page
    made = await alice.request(
        "POST",
        "/shares",
        form={"photo_id": photo_id, "expires_in_seconds": "86400", "password": "", "allow_download": "on"},
    )
    assert made.status == 201
    url = re.search(r'value="(http://[^"]+/s/[^"]+)"', made.text).group(1)
    assert (await stranger.get(urlsplit(url).path)).status == 200
    listing = (await alice.get("/shares")).text
    assert "Lake" in listing
    assert "allowed" in listing
    assert 'class="state">active<' in listing
    assert urlsplit(url).path not in listing  # the full token is shown only once
    (link,) = (await alice.get("/api/v1/shares")).json()["items"]
    revoke = await alice.request("POST", f"/shares/{link['id']}/revoke", form={})
    assert revoke.status == 303
    assert (await stranger.get(urlsplit(url).path)).status == 410


async def test_logs_keep_only_the_first_characters_of_a_share_token(people, clean_database, caplog):
    alice, _, stranger = people
    token = token_of(await share(alice, photo_id=await upload(alice)))
    caplog.set_level(logging.INFO, logger="photoshare")
    caplog.clear()
    await stranger.get(f"/s/{token}")
    await stranger.get(f"/api/v1/shared/{token}/photos")
    paths = [record.path for record in caplog.records if record.getMessage() == "request"]
    assert paths == [f"/s/{token[:6]}…", f"/api/v1/shared/{token[:6]}…/photos"]
    assert token not in caplog.text
