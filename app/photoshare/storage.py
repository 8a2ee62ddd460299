"""The assets bucket as the app uses it: originals written in parts, objects deleted, URLs signed.

The app never reads photo bytes back: browsers fetch them with presigned
URLs. Every S3 failure becomes StorageUnavailableError (a 503); clean-up calls
made after another failure log theirs instead, so the first error is the one
reported.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

import aiohttp
from botocore.exceptions import BotoCoreError, ClientError

from photoshare.errors import StorageUnavailableError
from photoshare.logs import log
from photoshare.presign import PROBE_KEY, FrozenCredentials, SignedUrl, UrlSigner

T = TypeVar("T")
S3_ERRORS = (BotoCoreError, ClientError, aiohttp.ClientError, asyncio.TimeoutError, OSError)
DELETE_BATCH = 1000  # DeleteObjects takes at most this many keys


def error_code(err: BaseException) -> str:
    if isinstance(err, ClientError):
        return str(err.response.get("Error", {}).get("Code", "ClientError"))
    return type(err).__name__


class PhotoStorage:
    def __init__(self, *, s3_client: Any, credentials: Any, bucket: str, signer: UrlSigner) -> None:
        self._s3 = s3_client
        self._credentials = credentials
        self.bucket = bucket
        self.signer = signer

    @classmethod
    async def create(cls, *, s3_client: Any, session: Any, bucket: str, region: str, url_ttl: int) -> PhotoStorage:
        probe = await s3_client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": PROBE_KEY})
        signer = UrlSigner(probe_url=probe, region=region, ttl=url_ttl)
        return cls(s3_client=s3_client, credentials=await session.get_credentials(), bucket=bucket, signer=signer)

    async def _call(self, operation: str, call: Awaitable[T]) -> T:
        try:
            return await call
        except S3_ERRORS as err:
            log("storage_unavailable", level=logging.WARNING, operation=operation, error=error_code(err))
            raise StorageUnavailableError() from None

    async def check(self) -> None:
        await self._call("HeadBucket", self._s3.head_bucket(Bucket=self.bucket))

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._call(
            "PutObject", self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        )

    async def begin_multipart(self, key: str, content_type: str) -> str:
        response = await self._call(
            "CreateMultipartUpload",
            self._s3.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType=content_type),
        )
        return response["UploadId"]

    async def upload_part(self, key: str, upload_id: str, number: int, data: bytes) -> dict:
        response = await self._call(
            "UploadPart",
            self._s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data),
        )
        return {"PartNumber": number, "ETag": response["ETag"]}

    async def complete_multipart(self, key: str, upload_id: str, parts: list[dict]) -> None:
        await self._call(
            "CompleteMultipartUpload",
            self._s3.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            ),
        )

    async def abort_multipart(self, key: str, upload_id: str) -> bool:
        """Abort without raising (clean-up); True if S3 took it or the upload was already gone."""
        try:
            await self._s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except ClientError as err:
            if error_code(err) == "NoSuchUpload":
                return True
            log("multipart_abort_failed", level=logging.WARNING, key=key, error=error_code(err))
            return False
        except S3_ERRORS as err:
            log("multipart_abort_failed", level=logging.WARNING, key=key, error=error_code(err))
            return False
        return True

    async def delete_photo_objects(self, original_key: str, thumbnail_prefix: str) -> None:
        """Delete the original and everything under its thumbnail prefix, listed so that
        thumbnails the app never heard of (a lost report) go too."""
        keys = [original_key]
        paginator = self._s3.get_paginator("list_objects_v2")
        try:
            async for page in paginator.paginate(Bucket=self.bucket, Prefix=thumbnail_prefix):
                keys.extend(item["Key"] for item in page.get("Contents", []))
        except S3_ERRORS as err:
            log("storage_unavailable", level=logging.WARNING, operation="ListObjectsV2", error=error_code(err))
            raise StorageUnavailableError() from None
        await self.delete_keys(keys)

    async def delete_keys(self, keys: Iterable[str]) -> None:
        batch = list(keys)
        for start in range(0, len(batch), DELETE_BATCH):
            chunk = batch[start : start + DELETE_BATCH]
            response = await self._call(
                "DeleteObjects",
                self._s3.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True}
                ),
            )
            if response.get("Errors"):
                first = response["Errors"][0]
                log("storage_delete_failed", level=logging.WARNING, key=first.get("Key"), error=first.get("Code"))
                raise StorageUnavailableError()

    async def frozen_credentials(self) -> FrozenCredentials:
        frozen = await self._credentials.get_frozen_credentials()
        return FrozenCredentials(frozen.access_key, frozen.secret_key, frozen.token)

    async def signed_urls(self, keys: Iterable[str]) -> dict[str, SignedUrl]:
        credentials = await self.frozen_credentials()
        return {key: self.signer.sign(key, credentials) for key in keys}
