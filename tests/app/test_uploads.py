"""Uploads: magic-byte types, limits, duplicates, and every bad input refused with nothing stored."""

import hashlib
import re

import pytest
import sample_images
from app_client import Visitor, multipart_body
from stored_state import nothing_stored, object_keys, pending_multipart_uploads, photo_rows

from photoshare.app import create_app

LIMIT = 1024 * 1024  # the suite's PHOTOSHARE_MAX_UPLOAD_BYTES


@pytest.fixture
async def alice(visitor):
    person = visitor()
    assert (await person.register("alice")).status == 201
    return person


@pytest.mark.parametrize(
    ("data", "filename", "claimed", "mime_type"),
    [
        (sample_images.jpeg(), "IMG_0001.JPG", "image/jpeg", "image/jpeg"),
        (sample_images.png(), "screenshot.png", "image/png", "image/png"),
        (sample_images.webp(), "sticker.webp", "image/webp", "image/webp"),
        (sample_images.gif(), "loop.gif", "image/gif", "image/gif"),
        (sample_images.heic(), "IMG_0002.HEIC", "image/heic", "image/heic"),
        (sample_images.jpeg(seed=5), "no-extension", "application/octet-stream", "image/jpeg"),
    ],
    ids=["jpeg", "png", "webp", "gif", "heic", "unnamed"],
)
async def test_each_allowed_type_is_stored_under_a_server_made_key(
    alice, s3_client, empty_bucket, clean_database, data, filename, claimed, mime_type
):
    reply = await alice.upload(data, filename, content_type=claimed, caption="  Holiday  ", visibility="public")
    assert reply.status == 201, reply.body
    photo = reply.json()
    assert (photo["status"], photo["visibility"], photo["caption"]) == ("processing", "public", "Holiday")
    assert (photo["content_type"], photo["size_bytes"]) == (mime_type, len(data))
    assert photo["sha256"] == hashlib.sha256(data).hexdigest()
    assert photo["original_filename"] == filename
    (row,) = photo_rows(clean_database)
    assert (row["state"], row["public_id"]) == ("stored", photo["id"])
    assert object_keys(s3_client, empty_bucket) == [f"originals/{row['owner_id']}/{photo['id']}"]
    stored = s3_client.get_object(Bucket=empty_bucket, Key=row["object_key"])
    assert (stored["ContentType"], stored["Body"].read()) == (mime_type, data)


async def test_a_file_exactly_at_the_limit_is_taken(alice, clean_database):
    reply = await alice.upload(sample_images.padded_jpeg(LIMIT))
    assert reply.status == 201, reply.body
    assert reply.json()["size_bytes"] == LIMIT


async def test_the_same_photo_twice_is_reported_as_a_duplicate(alice, visitor, s3_client, empty_bucket, clean_database):
    data = sample_images.jpeg(seed=1)
    first = (await alice.upload(data, "a.jpg")).json()
    again = await alice.upload(data, "copy-of-a.jpg", caption="again")
    assert (again.status, again.error_code) == (409, "duplicate_photo")
    assert again.json()["error"]["existing_photo_id"] == first["id"]
    assert len(photo_rows(clean_database)) == 1
    assert len(object_keys(s3_client, empty_bucket)) == 1
    bob = visitor()
    await bob.register("bob")
    assert (await bob.upload(data, "a.jpg")).status == 201  # a duplicate only among one's own photos


def refusal_cases():
    jpeg = sample_images.jpeg()
    return [
        pytest.param(b"", "empty.jpg", "image/jpeg", 400, "empty_file", "empty", id="zero-bytes"),
        pytest.param(
            sample_images.padded_jpeg(LIMIT + 1),
            "big.jpg",
            "image/jpeg",
            413,
            "payload_too_large",
            "limit of 1 MiB",
            id="one-byte-over",
        ),
        pytest.param(
            b"Dear diary, today I renamed this letter to holiday.jpg.\n" * 3,
            "holiday.jpg",
            "image/jpeg",
            415,
            "unsupported_type",
            "JPEG, PNG, WebP, GIF and HEIC/HEIF",
            id="wrong-magic-under-jpg",
        ),
        pytest.param(
            sample_images.png(),
            "photo.jpg",
            "image/jpeg",
            415,
            "unsupported_type",
            "is a PNG image, but",
            id="png-claiming-jpeg",
        ),
        pytest.param(
            sample_images.png(), "photo.png", "image/jpeg", 415, "unsupported_type", "says JPEG", id="png-typed-jpeg"
        ),
        pytest.param(
            jpeg, "../../etc/passwd.jpg", "image/jpeg", 400, "invalid_filename", "without folders", id="traversal"
        ),
        pytest.param(
            jpeg, "..\\..\\boot.jpg", "image/jpeg", 400, "invalid_filename", "without folders", id="backslashes"
        ),
        pytest.param(jpeg, "evil\x07.jpg", "image/jpeg", 400, "invalid_filename", "control characters", id="control"),
    ]


@pytest.mark.parametrize(("data", "filename", "claimed", "status", "code", "message"), refusal_cases())
async def test_bad_files_are_refused_and_nothing_is_stored(
    alice, s3_client, empty_bucket, clean_database, data, filename, claimed, status, code, message
):
    reply = await alice.upload(data, filename, content_type=claimed)
    assert (reply.status, reply.error_code) == (status, code), reply.body
    assert message in reply.json()["error"]["message"]
    assert nothing_stored(clean_database, s3_client, empty_bucket)


def form_cases():
    jpeg = ("photo.jpg", sample_images.jpeg(), "image/jpeg")
    huge_caption = multipart_body({"caption": "x" * (64 * 1024)}, jpeg)
    truncated, truncated_type = multipart_body({"caption": "cut"}, jpeg)
    two_files, two_type = multipart_body({}, jpeg)
    second = two_files.replace(b"--\r\n", b"\r\n")[: -len(b"\r\n")]
    boundary = two_type.split("boundary=")[1]
    two_files = (
        second
        + b'\r\nContent-Disposition: form-data; name="file"; filename="b.jpg"\r\n\r\n'
        + sample_images.jpeg(seed=9)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return [
        pytest.param(*huge_caption, 413, "payload_too_large", "larger than 8 KiB", id="huge-field"),
        pytest.param(
            truncated[: len(truncated) // 2], truncated_type, 400, "invalid_upload", "truncated", id="truncated"
        ),
        pytest.param(two_files, two_type, 400, "invalid_upload", "exactly one file", id="two-files"),
        pytest.param(*multipart_body({"caption": "no file"}, None), 400, "invalid_upload", "no file", id="no-file"),
        pytest.param(*multipart_body({"owner": "1"}, jpeg), 400, "invalid_upload", "unknown field 'owner'", id="field"),
        pytest.param(*multipart_body({"visibility": "everyone"}, jpeg), 400, "invalid_upload", "visibility", id="vis"),
        pytest.param(sample_images.jpeg(), "image/jpeg", 415, "unsupported_type", "multipart/form-data", id="raw-body"),
        pytest.param(b"--x\r\ngarbage", "multipart/form-data; boundary=x", 400, "invalid_upload", "", id="garbage"),
    ]


@pytest.mark.parametrize(("body", "content_type", "status", "code", "message"), form_cases())
async def test_bad_forms_are_refused_and_nothing_is_stored(
    alice, s3_client, empty_bucket, clean_database, body, content_type, status, code, message
):
    reply = await alice.request("POST", "/api/v1/photos", data=body, headers={"Content-Type": content_type})
    assert (reply.status, reply.error_code) == (status, code), reply.body
    assert message in reply.json()["error"]["message"]
    assert nothing_stored(clean_database, s3_client, empty_bucket)


async def test_a_content_length_over_the_limit_is_refused_before_reading(
    alice, s3_client, empty_bucket, clean_database
):
    body, content_type = multipart_body({}, ("photo.jpg", sample_images.jpeg(), "image/jpeg"))
    reply = await alice.request(
        "POST", "/api/v1/photos", data=body, headers={"Content-Type": content_type, "Content-Length": str(10 * LIMIT)}
    )
    assert (reply.status, reply.error_code) == (413, "payload_too_large")
    assert nothing_stored(clean_database, s3_client, empty_bucket)


async def test_uploads_need_a_login_and_the_csrf_token(alice, visitor, s3_client, empty_bucket, clean_database):
    anonymous = visitor()
    await anonymous.session()
    assert (await anonymous.upload(sample_images.jpeg())).status == 401
    forged = await alice.upload(sample_images.jpeg(), headers={"X-CSRF-Token": "forged"})
    assert (forged.status, forged.error_code) == (403, "csrf_failed")
    no_token = alice.csrf
    alice.csrf = None
    assert (await alice.upload(sample_images.jpeg())).status == 403
    alice.csrf = no_token
    assert nothing_stored(clean_database, s3_client, empty_bucket)


async def test_the_upload_form_works_without_javascript(alice, s3_client, empty_bucket, clean_database):
    page = await alice.get("/upload")
    assert page.status == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    body, content_type = multipart_body(
        {"csrf_token": token, "caption": "from the form", "visibility": "unlisted"},
        ("form.jpg", sample_images.jpeg(seed=3), "image/jpeg"),
    )
    reply = await alice.request("POST", "/upload", csrf=False, data=body, headers={"Content-Type": content_type})
    assert reply.status == 303
    (row,) = photo_rows(clean_database)
    assert reply.headers["Location"] == f"/photos/{row['public_id']}"
    late_token, late_type = multipart_body(
        {"csrf_token": token}, ("late.jpg", sample_images.jpeg(seed=4), "image/jpeg"), file_first=True
    )
    refused = await alice.request("POST", "/upload", csrf=False, data=late_token, headers={"Content-Type": late_type})
    assert refused.status == 403  # the token must come before the file
    assert len(photo_rows(clean_database)) == 1


async def test_a_large_file_goes_to_s3_in_parts(settings, s3_client, empty_bucket, clean_database):
    big_limit = 12 * 1024 * 1024
    app = create_app(settings.model_copy(update={"max_upload_bytes": big_limit}))
    data = sample_images.padded_jpeg(11 * 1024 * 1024)
    async with app.test_app() as test_app:
        carol = Visitor(test_app.test_client())
        await carol.register("carol")
        reply = await carol.upload(data, "big.jpg")
    assert reply.status == 201, reply.body
    (row,) = photo_rows(clean_database)
    head = s3_client.head_object(Bucket=empty_bucket, Key=row["object_key"])
    assert head["ContentLength"] == len(data)
    assert head["ETag"].strip('"').endswith("-3")  # three parts of at most 5 MiB
    assert pending_multipart_uploads(s3_client, empty_bucket) == []
