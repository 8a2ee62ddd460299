"""The bucket as the function sees it: originals to read, thumbnails to write or remove."""

from __future__ import annotations

from botocore.exceptions import ClientError


class PhotoStore:
    def __init__(self, s3_client, kms_key_id: str) -> None:
        self._s3 = s3_client
        self._kms_key_id = kms_key_id

    def read_original(self, bucket: str, key: str) -> bytes | None:
        """The object's bytes, or None if it no longer exists (the photo was deleted)."""
        try:
            response = self._s3.get_object(Bucket=bucket, Key=key)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "NoSuchKey":
                return None
            raise
        with response["Body"] as body:
            return body.read()

    def put(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        """Write with SSE-KMS under the project key, like every other object of the bucket."""
        self._s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=self._kms_key_id,
        )

    def delete(self, bucket: str, keys: list[str]) -> None:
        if keys:
            self._s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True})
