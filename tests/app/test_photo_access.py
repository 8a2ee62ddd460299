"""The photo page, editing and deletion, and the access rules on every route that takes an id:
as the owner, as another user, as an anonymous visitor, and with a forged id."""

import pytest
import sample_images
from reports import encode, report_for, signed_headers, write_thumbnails
from stored_state import object_keys, photo_rows, scalar

FORGED_ID = "3f0c0a4e-6c1b-4d0e-9f7a-2b8a1c9d0e11"
NOT_AN_ID = "..%2F..%2Fetc%2Fpasswd"


@pytest.fixture
async def people(visitor):
    """alice (who owns the photos), bob (another user) and an anonymous visitor with a pre-session."""
    alice, bob, anonymous = visitor(), visitor(), visitor()
    await alice.register("alice")
    await bob.register("bob")
    await anonymous.session()
    return alice, bob, anonymous


async def upload(person, visibility: str, seed: int = 0) -> str:
    reply = await person.upload(sample_images.jpeg(seed=seed), visibility=visibility, caption="mine")
    assert reply.status == 201, reply.body
    return reply.json()["id"]


ROUTES = [
    ("GET", "/photos/{id}", {}),
    ("POST", "/photos/{id}", {"form": {"caption": "hacked"}}),
    ("POST", "/photos/{id}/delete", {"form": {}}),
    ("GET", "/api/v1/photos/{id}", {}),
    ("PATCH", "/api/v1/photos/{id}", {"json": {"caption": "hacked"}}),
    ("DELETE", "/api/v1/photos/{id}", {}),
]


async def call(person, method: str, path: str, photo_id: str, kwargs: dict):
    return await person.request(method, path.format(id=photo_id), **kwargs)


@pytest.mark.parametrize(("method", "path", "kwargs"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
async def test_a_private_photo_does_not_exist_for_anyone_but_its_owner(
    people, clean_database, s3_client, empty_bucket, method, path, kwargs
):
    alice, bob, anonymous = people
    photo_id = await upload(alice, "private")
    for stranger, expected in ((bob, 404), (anonymous, 401 if method != "GET" else 404)):
        real = await call(stranger, method, path, photo_id, kwargs)
        forged = await call(stranger, method, path, FORGED_ID, kwargs)
        garbage = await call(stranger, method, path, NOT_AN_ID, kwargs)
        assert real.status == forged.status == expected, (real.body, forged.body)
        assert garbage.status in (401, 404)
        if path.startswith("/api/"):
            assert real.json() == forged.json()  # nothing tells the real photo from a made-up id
        assert b"mine" not in real.body
    (row,) = photo_rows(clean_database)
    assert row["state"] == "stored"
    assert scalar(clean_database, "SELECT caption FROM photos") == "mine"
    assert len(object_keys(s3_client, empty_bucket)) == 1
    assert (await call(alice, "GET", "/api/v1/photos/{id}", photo_id, {})).status == 200


@pytest.mark.parametrize("visibility", ["unlisted", "public"])
async def test_shared_photos_can_be_seen_but_only_the_owner_changes_them(people, clean_database, visibility):
    alice, bob, anonymous = people
    photo_id = await upload(alice, visibility)
    for viewer in (bob, anonymous):
        assert (await viewer.get(f"/photos/{photo_id}")).status == 200
        assert (await viewer.get(f"/api/v1/photos/{photo_id}")).json()["caption"] == "mine"
    refused = await bob.request("PATCH", f"/api/v1/photos/{photo_id}", json={"caption": "hacked"})
    assert (refused.status, refused.error_code) == (403, "not_owner")
    assert (await bob.request("DELETE", f"/api/v1/photos/{photo_id}")).status == 403
    assert (await bob.request("POST", f"/photos/{photo_id}/delete", form={})).status == 403
    assert (await anonymous.request("DELETE", f"/api/v1/photos/{photo_id}")).status == 401
    assert scalar(clean_database, "SELECT caption FROM photos") == "mine"
    owner_page = (await alice.get(f"/photos/{photo_id}")).text
    assert "Delete this photo" in owner_page
    assert "Delete this photo" not in (await bob.get(f"/photos/{photo_id}")).text


async def test_unlisted_photos_stay_out_of_the_feed(people, clean_database, empty_bucket, s3_client, app_secrets):
    alice, bob, _ = people
    photo_id = await upload(alice, "unlisted")
    key = scalar(clean_database, "SELECT object_key FROM photos")
    body = encode(report_for(empty_bucket, key))
    await alice.request(
        "POST", "/api/webhook", csrf=False, data=body, headers=signed_headers(app_secrets.webhook_key, body)
    )
    assert (await bob.get("/api/v1/feed")).json()["items"] == []
    await alice.request("PATCH", f"/api/v1/photos/{photo_id}", json={"visibility": "public"})
    assert [p["id"] for p in (await bob.get("/api/v1/feed")).json()["items"]] == [photo_id]


async def test_the_owner_edits_caption_and_visibility(people, clean_database):
    alice, bob, _ = people
    photo_id = await upload(alice, "private")
    reply = await alice.request(
        "PATCH", f"/api/v1/photos/{photo_id}", json={"caption": " Sunset ", "visibility": "public"}
    )
    assert reply.status == 200
    assert (reply.json()["caption"], reply.json()["visibility"]) == ("Sunset", "public")
    assert (await bob.get(f"/api/v1/photos/{photo_id}")).status == 200
    form = await alice.request(
        "POST", f"/photos/{photo_id}", form={"caption": "<script>x</script>", "visibility": "private"}
    )
    assert form.status == 303
    assert (await bob.get(f"/api/v1/photos/{photo_id}")).status == 404
    page = (await alice.get(f"/photos/{photo_id}")).text
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    too_long = await alice.request("PATCH", f"/api/v1/photos/{photo_id}", json={"caption": "x" * 2001})
    assert (too_long.status, too_long.error_code) == (400, "invalid_request")
    wrong = await alice.request("PATCH", f"/api/v1/photos/{photo_id}", json={"visibility": "friends"})
    assert wrong.status == 400


async def test_deleting_removes_the_rows_and_every_object(people, clean_database, empty_bucket, s3_client, app_secrets):
    alice, _, _ = people
    photo_id = await upload(alice, "public")
    kept = await upload(alice, "public", seed=1)
    key = scalar(clean_database, "SELECT object_key FROM photos WHERE public_id = %s", photo_id)
    report = report_for(empty_bucket, key)
    write_thumbnails(s3_client, empty_bucket, report)
    stray = f"thumbnails/{key.removeprefix('originals/')}/2048.webp"  # one the app never heard of
    s3_client.put_object(Bucket=empty_bucket, Key=stray, Body=b"x")
    body = encode(report)
    await alice.request(
        "POST", "/api/webhook", csrf=False, data=body, headers=signed_headers(app_secrets.webhook_key, body)
    )
    assert len(object_keys(s3_client, empty_bucket)) == 5
    assert (await alice.request("DELETE", f"/api/v1/photos/{photo_id}")).status == 204
    assert [row["public_id"] for row in photo_rows(clean_database)] == [kept]
    assert scalar(clean_database, "SELECT COUNT(*) FROM thumbnails") == 0
    assert object_keys(s3_client, empty_bucket) == [scalar(clean_database, "SELECT object_key FROM photos")]
    assert (await alice.get(f"/api/v1/photos/{photo_id}")).status == 404
    assert (await alice.request("DELETE", f"/api/v1/photos/{photo_id}")).status == 404
    reupload = await alice.upload(sample_images.jpeg(seed=0))
    assert reupload.status == 201  # a deleted photo is no duplicate


async def test_the_html_delete_button_deletes(people, clean_database, empty_bucket, s3_client):
    alice, _, _ = people
    photo_id = await upload(alice, "private")
    reply = await alice.request("POST", f"/photos/{photo_id}/delete", form={})
    assert (reply.status, reply.headers["Location"]) == (303, "/photos")
    assert photo_rows(clean_database) == []
    assert object_keys(s3_client, empty_bucket) == []


async def test_anonymous_visitors_are_sent_to_log_in(visitor):
    anonymous = visitor()
    for path in ("/photos", "/upload"):
        reply = await anonymous.get(path)
        assert (reply.status, reply.headers["Location"]) == (302, f"/login?next={path}")
    api = await anonymous.get("/api/v1/photos")
    assert (api.status, api.error_code) == (401, "login_required")
