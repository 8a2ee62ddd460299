"""The app under a real hypercorn: streaming with bounded memory, disconnects, stalls and logs."""

import socket
import time
from pathlib import Path

import httpx
import pytest
import sample_images
from app_client import multipart_body
from servers import AppServer, app_environment, http_visitor
from stored_state import nothing_stored, object_keys, photo_rows

MIB = 1024 * 1024


@pytest.fixture
def server(settings, tmp_path):
    running = AppServer(
        app_environment(settings, PHOTOSHARE_MAX_UPLOAD_BYTES=str(64 * MIB), PHOTOSHARE_UPLOAD_IDLE_TIMEOUT="2"),
        tmp_path / "app.log",
    )
    yield running
    running.stop()


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM starts again from the current RSS


def upload_request(client, data: bytes, filename: str = "big.jpg") -> tuple[bytes, bytes]:
    """The raw HTTP request of an upload: head (with the session cookie) and body."""
    body, content_type = multipart_body({"caption": "streamed"}, (filename, data, "image/jpeg"))
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    head = (
        f"POST /api/v1/photos HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nCookie: {cookies}\r\nX-CSRF-Token: {client.headers['X-CSRF-Token']}\r\n\r\n"
    ).encode()
    return head, body


def read_response(sock: socket.socket) -> bytes:
    """Read until the response's JSON body is complete or the server closes."""
    sock.settimeout(30)
    answer = b""
    while not answer.rstrip().endswith(b"}"):
        data = sock.recv(65536)
        if not data:
            break
        answer += data
    return answer


def send_part_of(server, head: bytes, body: bytes, count: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(head + body[:count])
    return sock


def streamed(data: bytes, chunk: int = 256 * 1024):
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]


def test_a_48_mib_upload_grows_the_worker_by_less_than_32_mib(server, s3_client, empty_bucket, clean_database):
    client = http_visitor(server, "alice")
    assert (
        client.post(
            "/api/v1/photos",
            files={"file": ("warm.jpg", sample_images.jpeg(seed=1), "image/jpeg")},
        ).status_code
        == 201
    )
    data = sample_images.padded_jpeg(48 * MIB)
    body, content_type = multipart_body({}, ("big.jpg", data, "image/jpeg"))
    worker = server.worker().pid
    reset_peak(worker)
    before = memory_kib(worker, "VmRSS")
    reply = client.post(
        "/api/v1/photos",
        content=streamed(body),
        headers={"Content-Type": content_type, "Content-Length": str(len(body))},
    )
    assert reply.status_code == 201, reply.text
    growth_mib = (memory_kib(worker, "VmHWM") - before) / 1024
    assert growth_mib < 32, f"peak RSS grew by {growth_mib:.1f} MiB for a 48 MiB upload"
    assert len(object_keys(s3_client, empty_bucket)) == 2


@pytest.mark.parametrize("how", ["close", "half-close"])
def test_a_client_gone_mid_upload_leaves_nothing(server, s3_client, empty_bucket, clean_database, how):
    client = http_visitor(server, "bob")
    head, body = upload_request(client, sample_images.padded_jpeg(20 * MIB))
    sock = send_part_of(server, head, body, 12 * MIB)  # two parts have gone to S3 by then
    deadline = time.monotonic() + 30
    while not photo_rows(clean_database) and time.monotonic() < deadline:
        time.sleep(0.05)  # until the multipart upload has begun
    assert photo_rows(clean_database), "the upload never reached S3"
    if how == "half-close":
        sock.shutdown(socket.SHUT_WR)  # a truncated body: fewer bytes than Content-Length
    sock.close()
    event = server.wait_for_event("upload_abandoned")
    assert (event["reason"], event["cleaned"]) == ("ClientDisconnectedError", True)
    assert nothing_stored(clean_database, s3_client, empty_bucket)


def test_a_stalled_upload_times_out_with_408(server, s3_client, empty_bucket, clean_database):
    client = http_visitor(server, "carol")
    head, body = upload_request(client, sample_images.padded_jpeg(2 * MIB))
    with send_part_of(server, head, body, MIB) as sock:
        answer = read_response(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"upload_timeout" in answer
    assert nothing_stored(clean_database, s3_client, empty_bucket)


def test_an_oversized_content_length_is_refused_before_the_body(server, s3_client, empty_bucket, clean_database):
    client = http_visitor(server, "dave")
    head, _ = upload_request(client, b"")
    head = head.replace(b"Content-Length: ", b"Content-Length: 99999999", 1)
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(head)
        answer = read_response(sock)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert nothing_stored(clean_database, s3_client, empty_bucket)


def test_logs_are_json_lines_with_request_ids(server):
    reply = httpx.get(f"{server.url}/healthz", headers={"X-Request-ID": "trace-0123456789"})
    assert reply.headers["X-Request-ID"] == "trace-0123456789"
    event = server.wait_for_event("request", request_id="trace-0123456789")
    assert {"time", "level", "logger", "method", "path", "status", "duration_ms"} <= set(event)
    assert (event["path"], event["status"]) == ("/healthz", 200)


def test_sigterm_stops_the_server_cleanly(server):
    assert server.stop() == 0
