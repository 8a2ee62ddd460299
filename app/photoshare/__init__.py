"""PhotoShare: a Quart service for sharing photos kept in a private S3 bucket."""

__version__ = "1.0.0"
