"""Steps the social tests share: uploading, processing a photo through the webhook, making albums."""

from __future__ import annotations

import sample_images
from reports import encode, report_for, signed_headers, write_thumbnails
from stored_state import scalar


async def upload(person, visibility: str = "private", seed: int = 0, caption: str = "mine") -> str:
    reply = await person.upload(
        sample_images.jpeg(seed=seed), f"IMG_{seed}.jpg", visibility=visibility, caption=caption
    )
    assert reply.status == 201, reply.body
    return reply.json()["id"]


async def process(person, database, s3_client, bucket: str, webhook_key: bytes, photo_id: str) -> dict:
    """Report the photo as the Lambda does (thumbnails written to S3 first); the report sent."""
    key = scalar(database, "SELECT object_key FROM photos WHERE public_id = %s", photo_id)
    report = report_for(bucket, key)
    write_thumbnails(s3_client, bucket, report)
    body = encode(report)
    reply = await person.request(
        "POST", "/api/webhook", csrf=False, data=body, headers=signed_headers(webhook_key, body)
    )
    assert reply.status == 200, reply.body
    return report


async def make_album(person, title: str = "Holidays", photos: tuple[str, ...] = ()) -> str:
    reply = await person.request("POST", "/api/v1/albums", json={"title": title})
    assert reply.status == 201, reply.body
    album_id = reply.json()["id"]
    for photo_id in photos:
        added = await person.request("PUT", f"/api/v1/albums/{album_id}/photos/{photo_id}")
        assert added.status == 204, added.body
    return album_id


async def share(person, **fields) -> dict:
    reply = await person.request("POST", "/api/v1/shares", json=fields)
    assert reply.status == 201, reply.body
    return reply.json()
