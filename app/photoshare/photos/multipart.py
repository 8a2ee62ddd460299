"""A streaming reader of multipart/form-data: fields whole (and small), files as a flow of chunks.

python-multipart parses; this module turns its callbacks into events and
enforces the limits that keep a hostile body from costing memory: the size
of each field, the number of fields and the size of part headers.
"""

from __future__ import annotations

from dataclasses import dataclass

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

from photoshare.errors import InvalidUploadError, PayloadTooLargeError, UnsupportedTypeError

MAX_FIELD_BYTES = 8 * 1024
MAX_PARTS = 16
MAX_PART_HEADERS = 8
MAX_PART_HEADER_BYTES = 1024


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class FileStart:
    name: str
    filename: str
    content_type: str | None


@dataclass(frozen=True)
class FileData:
    data: bytes


@dataclass(frozen=True)
class FileEnd:
    pass


Event = Field | FileStart | FileData | FileEnd


def boundary_of(content_type: str | None) -> bytes:
    mimetype, options = parse_options_header(content_type or "")
    if mimetype != b"multipart/form-data":
        raise UnsupportedTypeError(
            "Send the photo as multipart/form-data with the image in a field named 'file'.",
            allowed="multipart/form-data",
        )
    boundary = options.get(b"boundary")
    if not boundary or len(boundary) > 70:
        raise InvalidUploadError("The multipart/form-data Content-Type has no valid boundary.")
    return boundary


class FormReader:
    def __init__(self, boundary: bytes) -> None:
        self._events: list[Event] = []
        self._parts = 0
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, str] = {}
        self._field_name: str | None = None
        self._field_value = bytearray()
        self._in_file = False
        self._parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value_data,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
            max_header_count=MAX_PART_HEADERS,
            max_header_size=MAX_PART_HEADER_BYTES,
        )

    def feed(self, data: bytes) -> list[Event]:
        try:
            self._parser.write(data)
        except FormParserError:
            raise InvalidUploadError("The multipart/form-data body is malformed.") from None
        events, self._events = self._events, []
        return events

    def finish(self) -> None:
        if self._parser.state != MultipartState.END:
            raise InvalidUploadError("The upload ended before its closing boundary: the body is truncated. Try again.")

    def _part_begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise InvalidUploadError(f"The form has more than {MAX_PARTS} parts.")
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_name.decode("latin-1").lower()] = self._header_value.decode("latin-1")
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get("content-disposition"))
        if disposition != b"form-data" or b"name" not in options:
            raise InvalidUploadError("Each part of the form needs a Content-Disposition: form-data header with a name.")
        name = options[b"name"].decode("utf-8", "replace")
        if b"filename" in options:
            self._in_file = True
            filename = options[b"filename"].decode("utf-8", "replace")
            self._events.append(FileStart(name, filename, self._headers.get("content-type")))
        else:
            self._in_file = False
            self._field_name = name
            self._field_value.clear()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            if end > start:
                self._events.append(FileData(data[start:end]))
            return
        self._field_value += data[start:end]
        if len(self._field_value) > MAX_FIELD_BYTES:
            raise PayloadTooLargeError(
                f"The form field '{self._field_name}' is larger than {MAX_FIELD_BYTES // 1024} KiB.",
                limit_bytes=MAX_FIELD_BYTES,
            )

    def _part_end(self) -> None:
        if self._in_file:
            self._events.append(FileEnd())
            self._in_file = False
            return
        try:
            value = self._field_value.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidUploadError(f"The form field '{self._field_name}' is not UTF-8 text.") from None
        self._events.append(Field(self._field_name or "", value))
