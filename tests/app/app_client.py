"""A visitor of the app in tests: the test client with its cookies, the CSRF token and multipart bodies."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

PASSWORD = "correct horse battery"


def multipart_body(
    fields: dict[str, str], file: tuple[str, bytes, str | None] | None, *, file_first: bool = False
) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser sends it, and its Content-Type."""
    boundary = f"----pstest{secrets.token_hex(8)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        )
    if file is not None:
        filename, data, content_type = file
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        file_part = head.encode() + b"\r\n" + data + b"\r\n"
        parts.insert(0 if file_first else len(parts), file_part)
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def error_code(self) -> str:
        return self.json()["error"]["code"]


class Visitor:
    def __init__(self, client) -> None:
        self.client = client
        self.csrf: str | None = None
        self.username: str | None = None

    async def request(self, method: str, path: str, *, csrf: bool = True, **kwargs) -> Reply:
        headers = dict(kwargs.pop("headers", {}))
        if csrf and method not in ("GET", "HEAD") and self.csrf:
            headers.setdefault("X-CSRF-Token", self.csrf)
        response = await self.client.open(path, method=method, headers=headers, **kwargs)
        return Reply(response.status_code, response.headers, await response.get_data())

    async def get(self, path: str, **kwargs) -> Reply:
        return await self.request("GET", path, **kwargs)

    async def session(self) -> dict:
        reply = await self.get("/api/v1/session")
        assert reply.status == 200, reply.body
        data = reply.json()
        self.csrf = data["csrf_token"]
        return data

    async def register(self, username: str | None = None, password: str = PASSWORD, **extra) -> Reply:
        await self.session()
        self.username = username or f"user{secrets.token_hex(3)}"
        reply = await self.request(
            "POST", "/api/v1/accounts", json={"username": self.username, "password": password, **extra}
        )
        if reply.status == 201:
            self.csrf = reply.json()["csrf_token"]
        return reply

    async def login(self, username: str, password: str = PASSWORD, headers: dict | None = None) -> Reply:
        await self.session()
        reply = await self.request(
            "POST", "/api/v1/session", json={"username": username, "password": password}, headers=headers or {}
        )
        if reply.status == 200:
            self.csrf = reply.json()["csrf_token"]
            self.username = username
        return reply

    async def upload(
        self,
        data: bytes,
        filename: str = "photo.jpg",
        *,
        content_type: str | None = "image/jpeg",
        caption: str = "",
        visibility: str = "private",
        path: str = "/api/v1/photos",
        extra_fields: dict[str, str] | None = None,
        **kwargs,
    ) -> Reply:
        fields = {"caption": caption, "visibility": visibility, **(extra_fields or {})}
        body, form_type = multipart_body(fields, (filename, data, content_type))
        headers = {"Content-Type": form_type, **kwargs.pop("headers", {})}
        return await self.request("POST", path, data=body, headers=headers, **kwargs)
