"""The storage quota: originals and thumbnails count, it is shown, and it is checked before, during
and at the end of an upload; a refusal is 413 quota_exceeded and leaves nothing stored."""

import pytest
import sample_images
from app_client import Visitor
from social_helpers import process, upload
from stored_state import execute, nothing_stored, photo_rows, scalar

from photoshare.app import create_app
from photoshare.storage import PhotoStorage

QUOTA = 100_000


@pytest.fixture
async def small_quota_app(settings):
    app = create_app(settings.model_copy(update={"storage_quota_bytes": QUOTA}))
    async with app.test_app() as test_app:
        yield test_app


@pytest.fixture
async def alice(small_quota_app):
    person = Visitor(small_quota_app.test_client())
    await person.register("alice")
    return person


def used(database) -> int:
    return scalar(database, "SELECT storage_used_bytes FROM users WHERE username = 'alice'")


async def test_originals_and_thumbnails_count_and_deleting_gives_the_room_back(
    alice, clean_database, s3_client, empty_bucket, app_secrets
):
    photo_id = await upload(alice)
    size = scalar(clean_database, "SELECT size_bytes FROM photos")
    assert used(clean_database) == size
    report = await process(alice, clean_database, s3_client, empty_bucket, app_secrets.webhook_key, photo_id)
    thumbnails = sum(t["size_bytes"] for t in report["thumbnails"])
    assert used(clean_database) == size + thumbnails
    me = (await alice.get("/api/v1/me")).json()
    assert me["storage"] == {"used_bytes": size + thumbnails, "quota_bytes": QUOTA}
    assert me["authenticated_by"] == "session"
    for page in ("/photos", "/upload"):
        html = (await alice.get(page)).text
        assert "Storage:" in html
        assert "97.7 KiB" in html
        assert f'max="{QUOTA}"' in html
    assert (await alice.request("DELETE", f"/api/v1/photos/{photo_id}")).status == 204
    assert used(clean_database) == 0


async def test_an_upload_over_the_quota_is_refused_before_it_is_read(alice, clean_database, s3_client, empty_bucket):
    reply = await alice.upload(sample_images.padded_jpeg(QUOTA + 70_000))  # Content-Length alone says no
    assert (reply.status, reply.error_code) == (413, "quota_exceeded")
    assert "over your storage quota of 100,000 bytes" in reply.json()["error"]["message"]
    assert reply.json()["error"]["free_bytes"] == QUOTA
    assert nothing_stored(clean_database, s3_client, empty_bucket)
    page = await alice.upload(sample_images.padded_jpeg(QUOTA + 70_000), path="/upload")
    assert page.status == 413
    assert "nothing was stored" in page.text


async def test_an_upload_is_cut_off_when_its_bytes_pass_the_quota(alice, clean_database, s3_client, empty_bucket):
    kept = await upload(alice)
    execute(clean_database, "UPDATE users SET storage_used_bytes = 60000")
    # 80 kB passes the Content-Length check (it allows for the form's framing) but not the 40 kB left.
    reply = await alice.upload(sample_images.padded_jpeg(80_000, seed=3))
    assert (reply.status, reply.error_code) == (413, "quota_exceeded")
    assert [row["public_id"] for row in photo_rows(clean_database)] == [kept]
    assert len(s3_client.list_objects_v2(Bucket=empty_bucket)["Contents"]) == 1
    assert used(clean_database) == 60000


async def test_the_last_check_is_atomic_when_another_upload_took_the_room(
    alice, clean_database, s3_client, empty_bucket, monkeypatch
):
    real_put = PhotoStorage.put

    async def put_while_another_upload_finishes(self, key, data, content_type):
        await real_put(self, key, data, content_type)
        execute(clean_database, "UPDATE users SET storage_used_bytes = %s", QUOTA - 1000)

    monkeypatch.setattr(PhotoStorage, "put", put_while_another_upload_finishes)
    reply = await alice.upload(sample_images.padded_jpeg(60_000))
    assert (reply.status, reply.error_code) == (413, "quota_exceeded")
    assert nothing_stored(clean_database, s3_client, empty_bucket)
    assert used(clean_database) == QUOTA - 1000
