"""Route for presigned uploads: the file goes from the browser or app straight to S3."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.limits.rate_limits import UPLOADS
from chalicelib.web.api import ApiBlueprint, ApiRequest

api = ApiBlueprint(__name__, tag="uploads")


@api.route(
    "/uploads", "POST", summary="Get a presigned POST for one file (photo, intro video, resume, verification document)",
    status=201, body="chalicelib.uploads.schemas:UploadRequest",
    response="chalicelib.uploads.responses:PresignedUpload", limit=UPLOADS,
)  # fmt: skip
def create_upload(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.uploads.presign_upload import presign_upload
    from chalicelib.uploads.schemas import UploadRequest

    upload = request.body(UploadRequest)
    ticket = presign_upload(
        account_id=request.caller.account_id,
        purpose=upload.purpose,
        content_type=upload.content_type,
        size_bytes=upload.size_bytes,
        files=runtime.file_store(),
        now=runtime.now(),
    )
    return ticket.to_json()
