"""The galleries: keyset pages with opaque cursors, and images only as short-lived presigned URLs."""

import asyncio
import datetime
import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import botocore.auth
import pytest
import sample_images
from app_client import Visitor
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from reports import encode, report_for, signed_headers, write_thumbnails

from photoshare.app import create_app
from photoshare.presign import FrozenCredentials, UrlSigner


async def upload_many(person, count: int, visibility: str = "private", first_seed: int = 0) -> list[str]:
    ids = []
    for seed in range(first_seed, first_seed + count):
        reply = await person.upload(sample_images.jpeg(seed=seed, size=(32, 24)), f"p{seed}.jpg", visibility=visibility)
        assert reply.status == 201, reply.body
        ids.append(reply.json()["id"])
    return ids


async def process_all(person, database, bucket, s3_client, key: bytes) -> None:
    for (object_key,) in in_rows(database, "SELECT object_key FROM photos"):
        report = report_for(bucket, object_key)
        write_thumbnails(s3_client, bucket, report)
        body = encode(report)
        reply = await person.request("POST", "/api/webhook", csrf=False, data=body, headers=signed_headers(key, body))
        assert reply.status == 200


def fetch(url: str) -> bytes:
    """GET a presigned URL from S3 itself, as a browser would."""
    with urllib.request.urlopen(url) as response:  # noqa: S310 - the emulator's http URL
        return response.read()


def in_rows(database, sql):
    with database.connect() as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


async def test_my_photos_come_in_pages_of_24_newest_first(visitor, clean_database):
    alice = visitor()
    await alice.register("alice")
    ids = await upload_many(alice, 30)
    first = (await alice.get("/api/v1/photos")).json()
    assert [p["id"] for p in first["items"]] == ids[::-1][:24]
    assert first["next_cursor"]
    second = (await alice.get(f"/api/v1/photos?cursor={first['next_cursor']}")).json()
    assert [p["id"] for p in second["items"]] == ids[::-1][24:]
    assert second["next_cursor"] is None
    html = (await alice.get("/photos")).text
    cursor = re.search(r'href="/photos\?cursor=([^"]+)"', html).group(1)
    assert cursor == first["next_cursor"]
    assert html.count('class="placeholder status-processing"') == 24


async def test_a_page_stays_stable_while_new_photos_arrive(visitor):
    alice = visitor()
    await alice.register("alice")
    ids = await upload_many(alice, 26)
    first = (await alice.get("/api/v1/photos")).json()
    await upload_many_new(alice)
    second = (await alice.get(f"/api/v1/photos?cursor={first['next_cursor']}")).json()
    assert [p["id"] for p in second["items"]] == ids[::-1][24:]


async def upload_many_new(person) -> None:
    reply = await person.upload(sample_images.jpeg(seed=999, size=(32, 24)), "new.jpg")
    assert reply.status == 201


@pytest.mark.parametrize("cursor", ["garbage", "AQ", "AAAAAAAAAAAA", "!!!"])
async def test_a_forged_cursor_is_refused(visitor, cursor):
    alice = visitor()
    await alice.register("alice")
    reply = await alice.get(f"/api/v1/photos?cursor={cursor}")
    assert (reply.status, reply.error_code) == (400, "invalid_cursor")


async def test_the_feed_shows_processed_public_photos_of_everyone(
    visitor, clean_database, empty_bucket, s3_client, app_secrets
):
    alice, bob = visitor(), visitor()
    await alice.register("alice")
    await bob.register("bob")
    public = await upload_many(alice, 2, "public")
    await upload_many(alice, 1, "unlisted", first_seed=10)
    await upload_many(bob, 1, "private", first_seed=20)
    await process_all(alice, clean_database, empty_bucket, s3_client, app_secrets.webhook_key)
    bob_public = await bob.upload(sample_images.png(seed=7), "b.png", content_type="image/png", visibility="public")
    anonymous = visitor()
    feed = (await anonymous.get("/api/v1/feed")).json()
    assert [p["id"] for p in feed["items"]] == public[::-1]  # bob's is still processing
    assert all(p["urls"]["original"] is None for p in feed["items"])
    assert bob_public.status == 201
    html = (await anonymous.get("/")).text
    assert html.count("<img ") == 2


async def test_thumbnails_are_presigned_urls_that_s3_serves(
    visitor, clean_database, empty_bucket, s3_client, app_secrets
):
    alice = visitor()
    await alice.register("alice")
    (photo_id,) = await upload_many(alice, 1, "public")
    await process_all(alice, clean_database, empty_bucket, s3_client, app_secrets.webhook_key)
    html = (await alice.get("/photos")).text
    (url,) = re.findall(r'<img src="([^"]+)"', html)
    url = url.replace("&amp;", "&")
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).netloc == "127.0.0.1:5000"  # straight from S3, never through the app
    assert (query["X-Amz-Algorithm"], query["X-Amz-Expires"]) == (["AWS4-HMAC-SHA256"], ["300"])
    assert await asyncio.to_thread(fetch, url) == b"RIFF....WEBP"
    page = (await alice.get(f"/api/v1/photos/{photo_id}")).json()
    assert (await asyncio.to_thread(fetch, page["urls"]["original"])).startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize("token", [None, "session-token-of-an-instance-role"])
def test_the_fast_signer_matches_botocores_sigv4_query_signer(monkeypatch, token):
    now = 1_767_225_600  # 2026-01-01T00:00:00Z, a multiple of the 60 s signing window
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: datetime.datetime(2026, 1, 1))
    for probe in ("http://127.0.0.1:5000/bucket-1/probe", "https://bucket-1.s3.eu-west-1.amazonaws.com/probe"):
        signer = UrlSigner(probe_url=probe, region="eu-west-1", ttl=300)
        key = "thumbnails/42/3f0c0a4e-6c1b-4d0e-9f7a-2b8a1c9d0e11/256.webp"
        ours = signer.sign(key, FrozenCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", token), now=now + 59)
        request = AWSRequest(method="GET", url=probe.replace("probe", key))
        auth = S3SigV4QueryAuth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", token), "s3", "eu-west-1", 300)
        auth.add_auth(request)
        theirs = request.prepare().url
        assert urlsplit(ours.url)[:3] == urlsplit(theirs)[:3]
        assert parse_qs(urlsplit(ours.url).query) == parse_qs(urlsplit(theirs).query)
        assert ours.expires_at == now + 300


def test_urls_stay_the_same_within_a_fifth_of_their_lifetime():
    signer = UrlSigner(probe_url="http://127.0.0.1:5000/b/probe", region="us-east-1", ttl=300)
    credentials = FrozenCredentials("a", "b", None)
    start = 1_767_225_600
    same = {signer.sign("k", credentials, now=start + offset).url for offset in (0, 30, 59)}
    later = signer.sign("k", credentials, now=start + 60)
    assert len(same) == 1
    assert later.url not in same
    assert later.expires_at - (start + 60) == 300


async def test_anonymous_visitors_share_a_briefly_kept_feed_page(
    settings, clean_database, empty_bucket, s3_client, app_secrets
):
    quart_app = create_app(settings.model_copy(update={"feed_cache_seconds": 3600}))
    async with quart_app.test_app() as running:
        alice, first_visitor, second_visitor = (Visitor(running.test_client()) for _ in range(3))
        await alice.register("alice")
        await upload_many(alice, 1, "public")
        await process_all(alice, clean_database, empty_bucket, s3_client, app_secrets.webhook_key)
        kept = (await first_visitor.get("/")).text
        assert kept.count("<img ") == 1
        await upload_many(alice, 1, "public", first_seed=5)
        await process_all(alice, clean_database, empty_bucket, s3_client, app_secrets.webhook_key)

        # Another anonymous visitor gets the kept page, the new photo not yet in it...
        assert (await second_visitor.get("/")).text == kept
        # ...while a logged-in user gets a page of their own, fresh.
        mine = (await alice.get("/")).text
        assert mine.count("<img ") == 2
        assert "Log out" in mine


async def test_pages_look_again_while_a_photo_is_processing(
    visitor, clean_database, empty_bucket, s3_client, app_secrets
):
    alice = visitor()
    await alice.register("alice")
    (photo_id,) = await upload_many(alice, 1)
    refresh = '<meta http-equiv="refresh"'
    assert refresh in (await alice.get(f"/photos/{photo_id}")).text
    assert refresh in (await alice.get("/photos")).text
    await process_all(alice, clean_database, empty_bucket, s3_client, app_secrets.webhook_key)
    assert refresh not in (await alice.get(f"/photos/{photo_id}")).text
    assert refresh not in (await alice.get("/photos")).text
