"""Albums as their owner uses them, and the access checks: another user's album does not exist for them."""

import pytest
from social_helpers import make_album, process, upload
from stored_state import photo_rows, scalar


@pytest.fixture
async def people(visitor):
    alice, bob = visitor(), visitor()
    await alice.register("alice")
    await bob.register("bob")
    return alice, bob


async def test_albums_are_made_renamed_filled_and_paged_newest_first(people, clean_database):
    alice, _ = people
    photos = [await upload(alice, seed=seed) for seed in range(26)]
    album_id = await make_album(alice, "  Summer   2024 ", tuple(photos))
    album = (await alice.get(f"/api/v1/albums/{album_id}")).json()
    assert (album["title"], album["photo_count"]) == ("Summer 2024", 26)
    assert album["cover"]["id"] == photos[-1]  # no cover chosen: the newest photo
    first = (await alice.get(f"/api/v1/albums/{album_id}/photos")).json()
    assert [p["id"] for p in first["items"]] == photos[::-1][:24]
    second = (await alice.get(f"/api/v1/albums/{album_id}/photos?cursor={first['next_cursor']}")).json()
    assert [p["id"] for p in second["items"]] == photos[::-1][24:]
    assert second["next_cursor"] is None
    again = await alice.request("PUT", f"/api/v1/albums/{album_id}/photos/{photos[0]}")
    assert again.status == 204
    renamed = await alice.request(
        "PATCH", f"/api/v1/albums/{album_id}", json={"title": "Summer", "cover_photo_id": photos[3]}
    )
    assert (renamed.json()["title"], renamed.json()["cover"]["id"], renamed.json()["photo_count"]) == (
        "Summer",
        photos[3],
        26,
    )
    page = (await alice.get(f"/albums/{album_id}")).text
    assert "Summer" in page
    assert f"?cursor={first['next_cursor']}" in page
    reset = await alice.request("PATCH", f"/api/v1/albums/{album_id}", json={"cover_photo_id": ""})
    assert reset.json()["cover"]["id"] == photos[-1]


async def test_a_photo_sits_in_several_albums_and_leaving_one_keeps_it(people, clean_database):
    alice, _ = people
    photo_id = await upload(alice)
    first, second = await make_album(alice, "One", (photo_id,)), await make_album(alice, "Two", (photo_id,))
    for album_id in (first, second):
        assert [p["id"] for p in (await alice.get(f"/api/v1/albums/{album_id}/photos")).json()["items"]] == [photo_id]
    assert (await alice.request("DELETE", f"/api/v1/albums/{first}/photos/{photo_id}")).status == 204
    assert (await alice.get(f"/api/v1/albums/{first}/photos")).json()["items"] == []
    assert (await alice.get(f"/api/v1/albums/{second}")).json()["photo_count"] == 1
    gone = await alice.request("DELETE", f"/api/v1/albums/{first}/photos/{photo_id}")
    assert (gone.status, gone.error_code) == (404, "photo_not_found")
    assert [row["public_id"] for row in photo_rows(clean_database)] == [photo_id]


async def test_deleting_an_album_never_deletes_its_photos(people, clean_database, s3_client, empty_bucket, app_secrets):
    alice, _ = people
    photos = [await upload(alice, seed=seed) for seed in range(2)]
    await process(alice, clean_database, s3_client, empty_bucket, app_secrets.webhook_key, photos[0])
    album_id = await make_album(alice, "Doomed", tuple(photos))
    objects_before = s3_client.list_objects_v2(Bucket=empty_bucket)["KeyCount"]
    reply = await alice.request("POST", f"/albums/{album_id}/delete", form={})
    assert (reply.status, reply.headers["Location"]) == (303, "/albums")
    assert (await alice.get(f"/api/v1/albums/{album_id}")).status == 404
    assert sorted(row["public_id"] for row in photo_rows(clean_database)) == sorted(photos)
    assert scalar(clean_database, "SELECT COUNT(*) FROM album_photos") == 0
    assert s3_client.list_objects_v2(Bucket=empty_bucket)["KeyCount"] == objects_before
    assert len((await alice.get("/api/v1/photos")).json()["items"]) == 2


async def test_another_users_album_does_not_exist_for_them(people, visitor, clean_database):
    alice, bob = people
    photo_id = await upload(alice, "public")
    album_id = await make_album(alice, "Private album", (photo_id,))
    bobs_photo = await upload(bob, seed=7)
    for method, path, kwargs in (
        ("GET", f"/api/v1/albums/{album_id}", {}),
        ("PATCH", f"/api/v1/albums/{album_id}", {"json": {"title": "mine now"}}),
        ("DELETE", f"/api/v1/albums/{album_id}", {}),
        ("GET", f"/api/v1/albums/{album_id}/photos", {}),
        ("PUT", f"/api/v1/albums/{album_id}/photos/{bobs_photo}", {}),
        ("DELETE", f"/api/v1/albums/{album_id}/photos/{photo_id}", {}),
        ("GET", f"/albums/{album_id}", {}),
        ("POST", f"/albums/{album_id}/delete", {"form": {}}),
        ("POST", f"/albums/{album_id}", {"form": {"title": "mine now"}}),
    ):
        reply = await bob.request(method, path, **kwargs)
        assert reply.status == 404, (method, path, reply.body)
    assert "Private album" not in (await bob.get("/albums")).text
    assert (await bob.get("/api/v1/albums")).json()["items"] == []
    bobs_album = await make_album(bob, "Bob's")
    theirs = await bob.request("PUT", f"/api/v1/albums/{bobs_album}/photos/{photo_id}")  # alice's public photo
    assert (theirs.status, theirs.error_code) == (403, "not_owner")
    assert scalar(clean_database, "SELECT title FROM albums WHERE public_id = %s", album_id) == "Private album"
    anonymous = visitor()
    assert (await anonymous.get(f"/api/v1/albums/{album_id}")).error_code == "login_required"
    assert (await anonymous.get(f"/albums/{album_id}")).status == 302  # to the log-in page


async def test_albums_are_managed_from_the_pages(people, clean_database):
    alice, _ = people
    photo_id = await upload(alice, caption="Beach")
    made = await alice.request("POST", "/albums", form={"title": "Coast"})
    assert made.status == 303
    album_id = made.headers["Location"].rsplit("/", 1)[1]
    photo_page = (await alice.get(f"/photos/{photo_id}")).text
    assert f'formaction="/albums/{album_id}/photos"' in photo_page
    added = await alice.request("POST", f"/albums/{album_id}/photos", form={"photo_id": photo_id})
    assert added.status == 303
    assert "In: " in (await alice.get(f"/photos/{photo_id}")).text
    listing = (await alice.get("/albums")).text
    assert "Coast" in listing
    assert "1 photo<" in listing
    assert "Beach" in (await alice.get(f"/albums/{album_id}")).text
    removed = await alice.request("POST", f"/albums/{album_id}/photos/{photo_id}/remove", form={})
    assert removed.status == 303
    assert (await alice.get(f"/api/v1/albums/{album_id}")).json()["photo_count"] == 0
    bad = await alice.request("POST", "/api/v1/albums", json={"title": "   "})
    assert (bad.status, bad.error_code) == (400, "invalid_request")
