"""What the app left in the database and the bucket: the tests' view from outside the app."""

from __future__ import annotations


def photo_rows(database) -> list[dict]:
    with database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, public_id, owner_id, state, status, object_key, sha256, size_bytes FROM photos")
        columns = [column[0] for column in cur.description]
        return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]


def object_keys(s3_client, bucket: str) -> list[str]:
    listing = s3_client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def pending_multipart_uploads(s3_client, bucket: str) -> list[str]:
    return [upload["Key"] for upload in s3_client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])]


def nothing_stored(database, s3_client, bucket: str) -> bool:
    return (
        photo_rows(database) == []
        and object_keys(s3_client, bucket) == []
        and pending_multipart_uploads(s3_client, bucket) == []
    )


def scalar(database, sql: str, *args):
    with database.connect() as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
        return row[0] if row else None


def execute(database, sql: str, *args) -> int:
    with database.connect() as conn, conn.cursor() as cur:
        return cur.execute(sql, args)
