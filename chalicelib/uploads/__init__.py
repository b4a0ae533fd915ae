"""Files uploaded straight to S3 through presigned POSTs, with type and size limits."""
