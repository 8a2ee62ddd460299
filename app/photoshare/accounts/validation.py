"""What a username, a display name and a password may be."""

from __future__ import annotations

import re
import unicodedata

from photoshare.errors import InvalidRequestError

USERNAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]{1,30}[a-z0-9])")
PASSWORD_MIN_CHARS = 8
PASSWORD_MAX_CHARS = 128
DISPLAY_NAME_MAX_CHARS = 64


def normalize_username(raw: str) -> str:
    username = raw.strip().lower()
    if not username.isascii() or USERNAME.fullmatch(username) is None:
        raise InvalidRequestError(
            "A username has 3 to 32 characters: letters a-z, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit.",
            field="username",
        )
    return username


def check_password(password: str) -> str:
    # Counted in characters (NFC), as people type them; no composition rules (NIST SP 800-63B).
    length = len(unicodedata.normalize("NFC", password))
    if not PASSWORD_MIN_CHARS <= length <= PASSWORD_MAX_CHARS:
        raise InvalidRequestError(
            f"A password has {PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters; this one has {length}.",
            field="password",
        )
    return password


def normalize_display_name(raw: str | None, username: str) -> str:
    name = " ".join((raw or "").split())
    name = "".join(char for char in name if char.isprintable())
    if not name:
        return username
    if len(name) > DISPLAY_NAME_MAX_CHARS:
        raise InvalidRequestError(
            f"A display name has at most {DISPLAY_NAME_MAX_CHARS} characters.", field="display_name"
        )
    return name
