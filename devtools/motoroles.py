"""The roles the estate attaches hand out their credentials, as EC2 and Lambda hand them out.

- A function runs with a session of its execution role in AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (moto gives every function the
  same dummy keys, which no policy governs).
- A host reads its instance profile role's session from an instance metadata
  service (IMDSv2). The stand-in listens on 127.0.0.1 (PHOTOSHARE_IMDS_PORT)
  and serves one instance per path prefix: the SDKs take
  AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT/<Name tag>/ and
  append latest/... to it. No library serves IMDS from moto's own backends,
  which is what makes the session the emulator's, for the instance's role.

Both sessions are minted inside the emulator as the AWS service would, so no
trust policy gains a principal to make this work. FIXES names the moto
attributes the first replaces (devtools/motoserver.py installs them); the
server starts the second with start_metadata_service() and stops it on its way out.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from docker.models import containers as docker_containers
from moto.awslambda import models as lambda_models
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2 import models as ec2_models
from moto.ec2.utils import filter_iam_instance_profiles
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

from devtools.motopatch import original

IMDS_PORT_VARIABLE = "PHOTOSHARE_IMDS_PORT"
SESSION_SECONDS = 3600
# A session is handed out again until this close to its expiry, as IMDS and Lambda renew early.
RENEW_BEFORE_S = 300
TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"  # noqa: S105 - a header's name
TOKEN_HEADER = "X-aws-ec2-metadata-token"  # noqa: S105 - a header's name
MAX_TOKEN_TTL_S = 21600
# How long the server, once told to stop, waits for the metadata service's thread.
METADATA_JOIN_S = 5


class RoleSessions:
    """One live session per (role, session name), renewed shortly before it expires."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[tuple[str, str], Any] = {}

    def session(self, *, role_arn: str, session_name: str, region: str) -> Any:
        with self._lock:
            current = self._sessions.get((role_arn, session_name))
            if current is None or current.expiration - timedelta(seconds=RENEW_BEFORE_S) < datetime.now(UTC).replace(
                tzinfo=None
            ):
                account_id = role_arn.split(":")[4]
                current = sts_backends[account_id][get_partition(region)].assume_role(
                    region_name=region,
                    role_session_name=session_name,
                    role_arn=role_arn,
                    policy=None,
                    duration=SESSION_SECONDS,
                    external_id=None,
                )
                self._sessions[(role_arn, session_name)] = current
            return current


SESSIONS = RoleSessions()

# The execution role's session for the function this thread is invoking.
_invocation = threading.local()


def invoke_lambda(self: lambda_models.LambdaFunction, *args: Any, **kwargs: Any) -> Any:
    """Lambda runs a function with its execution role's session; moto gives every function
    the same dummy keys, which no policy governs. This keeps the session for container_run."""
    _invocation.session = SESSIONS.session(role_arn=self.role, session_name=self.function_name, region=self.region)
    try:
        return original(lambda_models.LambdaFunction, "_invoke_lambda")(self, *args, **kwargs)
    finally:
        _invocation.session = None


def container_run(self: docker_containers.ContainerCollection, image: str, *args: Any, **kwargs: Any) -> Any:
    """A function's container gets its execution role's session instead of moto's dummy keys."""
    session = getattr(_invocation, "session", None)
    if session is not None and isinstance(kwargs.get("environment"), dict):
        kwargs["environment"] = {
            **kwargs["environment"],
            "AWS_ACCESS_KEY_ID": session.access_key_id,
            "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
            "AWS_SESSION_TOKEN": session.session_token,
        }
    return original(docker_containers.ContainerCollection, "run")(self, image, *args, **kwargs)


def running_instance(name: str) -> Any:
    """The one running instance whose Name tag is name, in any region of the default account."""
    found = []
    for region, backend in ec2_models.ec2_backends[DEFAULT_ACCOUNT_ID].items():
        for reservation in backend.all_reservations():
            for instance in reservation.instances:
                tags = {tag["key"]: tag["value"] for tag in instance.get_tags()}
                if instance.state == "running" and tags.get("Name") == name:
                    found.append((region, backend, instance))
    return found[0] if len(found) == 1 else None


def instance_role_arn(backend: Any, instance: Any) -> str | None:
    association = backend.iam_instance_profile_associations.get(instance.id)
    if association is not None:
        profile = association.iam_instance_profile
    elif instance.iam_instance_profile:
        profile = filter_iam_instance_profiles(
            DEFAULT_ACCOUNT_ID,
            partition=backend.partition,
            iam_instance_profile_arn=instance.iam_instance_profile.get("Arn"),
            iam_instance_profile_name=instance.iam_instance_profile.get("Name"),
        )
    else:
        return None
    return profile.roles[0].arn if profile and profile.roles else None


class MetadataHandler(BaseHTTPRequestHandler):
    """IMDSv2 for the credentials path: PUT a token, then GET with it (always required, as the
    compute role launches with http_tokens required)."""

    # The tokens handed out, with their expiry (Unix time); shared by every request.
    tokens: ClassVar[dict[str, float]] = {}

    def log_message(self, *args: Any) -> None:
        pass  # the emulator's own log is enough

    def _answer(self, status: int, body: str = "", content_type: str = "text/plain", **headers: str) -> None:
        data = body.encode()
        self.send_response(status)
        for name, value in {"Content-Type": content_type, **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _split(self) -> tuple[str, str]:
        name, _, rest = self.path.lstrip("/").partition("/")
        return name, rest

    def do_PUT(self) -> None:
        _, rest = self._split()
        if rest != "latest/api/token":
            return self._answer(404)
        try:
            ttl = int(self.headers.get(TOKEN_TTL_HEADER, ""))
        except ValueError:
            return self._answer(400)
        if not 1 <= ttl <= MAX_TOKEN_TTL_S:
            return self._answer(400)
        token = secrets.token_urlsafe(32)
        self.tokens[token] = time.time() + ttl
        return self._answer(200, token, **{TOKEN_TTL_HEADER: str(ttl)})

    def do_GET(self) -> None:
        expires = self.tokens.get(self.headers.get(TOKEN_HEADER, ""))
        if expires is None or expires < time.time():
            return self._answer(401)
        name, rest = self._split()
        found = running_instance(name)
        if found is None:
            return self._answer(404)
        region, backend, instance = found
        prefix = "latest/meta-data/"
        if rest == prefix + "instance-id":
            return self._answer(200, instance.id)
        if rest == prefix + "placement/availability-zone":
            return self._answer(200, instance.placement.zone)
        role_arn = instance_role_arn(backend, instance)
        credentials_path = prefix + "iam/security-credentials/"
        if role_arn is None or not rest.startswith(credentials_path):
            return self._answer(404)
        role_name = role_arn.rsplit("/", 1)[1]
        if rest == credentials_path:
            return self._answer(200, role_name)
        if rest != credentials_path + role_name:
            return self._answer(404)
        session = SESSIONS.session(role_arn=role_arn, session_name=instance.id, region=region)
        body = {
            "Code": "Success",
            "LastUpdated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Type": "AWS-HMAC",
            "AccessKeyId": session.access_key_id,
            "SecretAccessKey": session.secret_access_key,
            "Token": session.session_token,
            "Expiration": session.expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return self._answer(200, json.dumps(body), "application/json")


class MetadataService:
    """The metadata service on 127.0.0.1:port (0: any free port), served on a thread of its own until stop()."""

    def __init__(self, port: int) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", port), MetadataHandler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="imds")
        self.thread.start()

    def stop(self, timeout: float = METADATA_JOIN_S) -> None:
        """Stop serving, close the port and wait for the serving thread to end."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout)


def start_metadata_service() -> MetadataService | None:
    """The metadata service on PHOTOSHARE_IMDS_PORT, if set (a server without one serves none)."""
    port = os.environ.get(IMDS_PORT_VARIABLE)
    return MetadataService(int(port)) if port else None


# Each fix: the (target, attribute, replacement) it installs.
FIXES: dict[str, list[tuple[Any, str, Any]]] = {
    "lambda-execution-role-session": [
        (lambda_models.LambdaFunction, "_invoke_lambda", invoke_lambda),
        (docker_containers.ContainerCollection, "run", container_run),
    ],
}
