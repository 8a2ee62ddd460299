"""A real HTTP server on 127.0.0.1 standing in for the app's POST /api/webhook.

It records every request and answers with the statuses it is told to, in
order (then 200), or holds requests without ever answering.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOLD_LIMIT_SECONDS = 60


@dataclass(frozen=True)
class ReceivedRequest:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class WebhookReceiver:
    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self._statuses: deque[int] = deque()
        self._holding = False
        self._release = threading.Event()
        self._arrived = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._request_handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/webhook"

    def wait_for_requests(self, count: int, timeout: float) -> list[ReceivedRequest]:
        """The first count requests, once they have arrived (S3 runs the function asynchronously)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.requests) >= count, timeout):
                raise TimeoutError(f"{len(self.requests)} of {count} webhook request(s) arrived in {timeout:g} s")
        return self.requests[:count]

    def answer(self, *statuses: int) -> None:
        self._statuses.extend(statuses)

    def never_answer(self) -> None:
        self._holding = True

    def reset(self) -> None:
        self._holding = False
        self._release.set()
        self._release = threading.Event()
        self._statuses.clear()
        self.requests.clear()

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def _request_handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._arrived:
                    receiver.requests.append(ReceivedRequest(self.path, headers, body))
                    receiver._arrived.notify_all()
                if receiver._holding:
                    receiver._release.wait(HOLD_LIMIT_SECONDS)
                    self.close_connection = True
                    return
                status = receiver._statuses.popleft() if receiver._statuses else 200
                reply = json.dumps({"status": "ok" if status == 200 else "error"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep the test output clean

        return Handler
