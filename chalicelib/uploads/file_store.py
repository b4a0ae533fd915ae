"""The S3 side of uploads: presigned POSTs and existence checks. The client is made on first use."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Protocol


class FileStore(Protocol):
    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> dict[str, Any]: ...

    def exists(self, key: str) -> bool: ...


class S3FileStore:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    @cached_property
    def _s3(self) -> Any:
        import boto3

        return boto3.client("s3")

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> dict[str, Any]:
        post: dict[str, Any] = self._s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in,
        )
        return post

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True
