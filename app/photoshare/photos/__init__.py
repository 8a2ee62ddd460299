"""Photos: streaming uploads to S3, the galleries, the photo page, editing and deletion."""
