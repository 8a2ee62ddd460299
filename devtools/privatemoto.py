"""A private moto server: a fresh, empty AWS emulator on a free port of 127.0.0.1.

Tests, Molecule scenarios and benchmarks that build or tear down the whole
estate use one, never the shared emulator on localcloud_moto_port that other
suites rely on. It runs with the same environment as the local cloud's moto
(Lambda runtime image, host networking, the project's AMIs).

    python -m devtools.privatemoto COMMAND [ARG...]

runs COMMAND with PHOTOSHARE_MOTO_URL set to a fresh emulator's URL (and
PHOTOSHARE_MOTO_CA_BUNDLE to the CAs that verify it) and stops
the emulator afterwards; the exit status is COMMAND's.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from devtools import localcloud

HOST = "127.0.0.1"
URL_VARIABLE = "PHOTOSHARE_MOTO_URL"
CA_BUNDLE_VARIABLE = "PHOTOSHARE_MOTO_CA_BUNDLE"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class PrivateMoto:
    """A moto server of our own; use as a context manager, or start() and stop()."""

    def __init__(self) -> None:
        self.port = free_port()
        self.metadata_port = free_port()
        self._log_dir = tempfile.TemporaryDirectory(prefix="photoshare-moto-")
        self.log = Path(self._log_dir.name) / "moto.log"
        self._process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"https://{HOST}:{self.port}"

    def metadata_endpoint(self, instance_name: str) -> str:
        """This emulator's instance metadata service for its running instance of that Name."""
        return f"http://{HOST}:{self.metadata_port}/{instance_name}/"

    @property
    def ca_bundle(self) -> str:
        """The CAs that verify the emulator's certificate (the machine's and the local CA)."""
        return str(localcloud.load().ca.trust_bundle_file)

    def client(self, service: str, region: str = "us-east-1"):
        """A boto3 client of this emulator, as the account's root (the operator's key pair)."""
        import boto3  # only the tests need it, not `python -m devtools.privatemoto`

        cloud = localcloud.load()
        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=region,
            verify=self.ca_bundle,
            aws_access_key_id=cloud.access_key_id,
            aws_secret_access_key=cloud.secret_access_key,
        )

    def start(self) -> PrivateMoto:
        with self.log.open("ab") as out:
            self._process = subprocess.Popen(
                localcloud.moto_command(HOST, self.port),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=localcloud.moto_environment(self.port, self.metadata_port),
            )
        localcloud.wait_until(lambda: self._answers(), 60, f"private moto server on port {self.port}", self.log)
        return self

    def _answers(self) -> bool:
        if self._process is not None and self._process.poll() is not None:
            raise localcloud.LocalCloudError(f"the private moto server exited early; see {self.log}.")
        # Another server may have taken the port since free_port() chose it, and
        # would answer in our place: only our own server's banner proves the bind.
        banner = f"Running on {self.endpoint_url}".encode()
        return banner in self.log.read_bytes() and localcloud.port_open(HOST, self.port)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        self._log_dir.cleanup()

    def __enter__(self) -> PrivateMoto:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().split("\n\n")[-2], file=sys.stderr)
        return 2
    # A TERM (a timeout, a stopped job) still stops the emulator on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    with PrivateMoto() as moto:
        print(f"==> private moto server on {moto.endpoint_url}", flush=True)
        env = {**os.environ, URL_VARIABLE: moto.endpoint_url, CA_BUNDLE_VARIABLE: moto.ca_bundle}
        return subprocess.run(argv, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
