"""The one error the processor raises for input it refuses."""


class InvalidImageError(Exception):
    """The file is not an image PhotoShare accepts; the message says why, in words a user understands."""
