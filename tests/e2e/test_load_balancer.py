"""The local cloud's load balancer does what the ALB does for PhotoShare (roles/localloadbalancer).

It is HAProxy configured from the emulator's ALB: the tests read the
expected behaviour from the emulator too, so a change to the ALB in the roles
changes what is checked here.
"""

from __future__ import annotations

import csv
import http.server
import io
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from urllib.parse import urlsplit

import boto3
import certifi
import httpx
import pytest

from devtools import localcloud as localcloud_module

pytestmark = pytest.mark.slow

CLOUD = localcloud_module.load()
APP_CONTAINER = "photoshare-app"


@pytest.fixture(scope="module")
def tls() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=CLOUD.ca.ca_file)


@pytest.fixture(scope="module")
def target_group(deployed, aws_environment) -> dict:
    (group,) = boto3.client("elbv2").describe_target_groups(Names=["photoshare-web"])["TargetGroups"]
    return group


def stats_url() -> str:
    import yaml

    raw = yaml.safe_load(localcloud_module.CONFIG_FILE.read_text())
    return f"http://127.0.0.1:{raw['localcloud_alb_stats_port']}/;csv"


def target_states() -> set[str]:
    """The health of the target group's checked servers, as the load balancer sees them."""
    rows = csv.DictReader(io.StringIO(httpx.get(stats_url(), timeout=5).text.lstrip("# ")))
    return {row["status"].split()[0] for row in rows if row["svname"].startswith("i-") and row["check_status"]}


def test_https_serves_the_local_ca_certificate_for_localhost(deployed, tls):
    assert urlsplit(deployed)[:2] == ("https", "localhost:10443")
    assert httpx.get(f"{deployed}/healthz", verify=tls, timeout=5).json() == {"status": "ok"}
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{deployed}/healthz", verify=ssl.create_default_context(cafile=certifi.where()), timeout=5)


def test_http_redirects_to_https_keeping_path_and_query(deployed, aws_environment):
    elbv2 = boto3.client("elbv2")
    (alb,) = elbv2.describe_load_balancers(Names=["photoshare-alb"])["LoadBalancers"]
    listeners = {
        item["Port"]: item for item in elbv2.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
    }
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[443]["Certificates"][0]["CertificateArn"].startswith("arn:aws:acm:")
    assert listeners[80]["DefaultActions"][0]["Type"] == "redirect"
    reply = httpx.get("http://localhost:10080/photos?page=2", timeout=5)
    assert reply.status_code == 301
    assert reply.headers["Location"] == "https://localhost:10443/photos?page=2"


def test_the_session_cookie_is_host_prefixed_and_secure_through_the_load_balancer(deployed, tls):
    reply = httpx.get(f"{deployed}/api/v1/session", verify=tls, timeout=5)
    cookie = reply.headers["Set-Cookie"]
    assert cookie.startswith("__Host-photoshare_session=")
    assert "; Secure" in cookie


def small_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


def test_a_client_sent_forwarded_host_changes_nothing(deployed, tls):
    """A share link made through the load balancer names the host the client asked for."""
    with httpx.Client(base_url=deployed, verify=tls, timeout=30) as client:
        csrf = client.get("/api/v1/session").json()["csrf_token"]
        made = client.post(
            "/api/v1/accounts",
            json={"username": f"lb{time.time_ns() % 10**8}", "password": "correct horse battery"},
            headers={"X-CSRF-Token": csrf},
        )
        assert made.status_code == 201, made.text
        csrf = {"X-CSRF-Token": made.json()["csrf_token"]}
        photo = client.post("/api/v1/photos", files={"file": ("lb.jpg", small_jpeg(), "image/jpeg")}, headers=csrf)
        assert photo.status_code == 201, photo.text
        spoofed = {**csrf, "X-Forwarded-Host": "evil.example"}
        link = client.post("/api/v1/shares", json={"photo_id": photo.json()["id"]}, headers=spoofed)
        assert link.status_code == 201, link.text
        assert urlsplit(link.json()["url"])[:2] == ("https", "localhost:10443")


class HeaderEcho:
    """A target that records the headers of each request it gets."""

    def __init__(self) -> None:
        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append({name.lower(): value for name, value in self.headers.items()})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def load_balancer_to_echo(deployed, tmp_path):
    """The generated configuration, run by the same image, in front of a header echo instead of the app."""
    echo = HeaderEcho()
    generated = CLOUD.state_dir / "loadbalancer"
    ports = {}

    def rebind(match: re.Match) -> str:
        ports[int(match[1])] = port = free_port()
        return f"bind 127.0.0.1:{port}"

    config = re.sub(r"bind 127\.0\.0\.1:(\d+)", rebind, (generated / "haproxy.cfg").read_text())
    config = re.sub(r"(server \S+) 127\.0\.0\.1:\d+", rf"\1 127.0.0.1:{echo.port}", config)
    (tmp_path / "haproxy.cfg").write_text(config)
    shutil.copy(generated / "listener.pem", tmp_path / "listener.pem")
    name = f"pstest-alb-{free_port()}"
    subprocess.run(
        [
            "docker",
            "run",
            "-d",
            "--name",
            name,
            "--network",
            "host",
            "-v",
            f"{tmp_path}:/etc/haproxy/photoshare:ro",
            "photoshare-localcloud-alb:local",
            "haproxy",
            "-db",
            "-f",
            "/etc/haproxy/photoshare/haproxy.cfg",
        ],
        check=True,
        capture_output=True,
    )
    try:
        https = f"https://localhost:{ports[10443]}"
        deadline = time.monotonic() + 30
        while not localcloud_module.port_open("127.0.0.1", ports[10443]):
            assert time.monotonic() < deadline, subprocess.run(
                ["docker", "logs", name], capture_output=True, text=True
            ).stderr
            time.sleep(0.2)
        yield https, ports[10443], echo
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)
        echo.server.shutdown()


def test_targets_get_forwarded_headers_and_never_an_invalid_field(load_balancer_to_echo, tls):
    url, port, echo = load_balancer_to_echo
    reply = httpx.get(
        f"{url}/probe",
        verify=tls,
        timeout=10,
        headers={"X-Forwarded-For": "203.0.113.9", "X_Invalid_Name": "dropped", "X-Valid-Name": "kept"},
    )
    assert reply.status_code == 200
    headers = echo.seen[-1]
    assert "x_invalid_name" not in headers
    assert headers["x-valid-name"] == "kept"
    assert headers["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
    assert (headers["x-forwarded-proto"], headers["x-forwarded-port"]) == ("https", str(port))


def test_an_unhealthy_target_is_marked_down_and_up_again_and_every_target_down_fails_open(deployed, target_group, tls):
    interval = target_group["HealthCheckIntervalSeconds"]
    down_after = target_group["UnhealthyThresholdCount"] * interval
    up_after = target_group["HealthyThresholdCount"] * interval
    wait_until_up(up_after + 2 * interval)  # a target deployed a moment ago passes its first checks first
    subprocess.run(["docker", "stop", "--time", "5", APP_CONTAINER], check=True, capture_output=True)
    try:
        stopped = time.monotonic()
        while target_states() != {"DOWN"}:
            assert time.monotonic() - stopped < down_after + interval, "not marked down in time"
            time.sleep(1)
        assert time.monotonic() - stopped >= down_after - interval, "marked down before the threshold"
    finally:
        subprocess.run(["docker", "start", APP_CONTAINER], check=True, capture_output=True)
    # Every target is down: the load balancer fails open and still sends requests to them.
    started = time.monotonic()
    while True:
        try:
            if httpx.get(f"{deployed}/healthz", verify=tls, timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() - started < 60, "the app did not come back"
        time.sleep(0.5)
    assert target_states() == {"DOWN"}, "answered while down: only failing open explains it"
    wait_until_up(up_after + 2 * interval)
    assert time.monotonic() - started >= up_after - interval, "marked up before the threshold"


def wait_until_up(limit: float) -> None:
    started = time.monotonic()
    while target_states() != {"UP"}:
        assert time.monotonic() - started < limit, "not marked up in time"
        time.sleep(1)


def server_status(name: str) -> str:
    """HAProxy's status of one server of the target group (UP, DOWN, MAINT, ...)."""
    rows = csv.DictReader(io.StringIO(httpx.get(stats_url(), timeout=5).text.lstrip("# ")))
    (row,) = [row for row in rows if row["svname"] == name]
    return row["status"].split()[0]


def test_a_deregistered_target_gets_no_new_requests_until_registered_again(
    deployed, target_group, tls, aws_environment
):
    """What the web host role's drain relies on: the ALB sends a deregistered target nothing new."""
    elbv2 = boto3.client("elbv2")
    arn = target_group["TargetGroupArn"]
    (health,) = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    target = health["Target"]
    wait_until_up(3 * target_group["HealthCheckIntervalSeconds"])
    elbv2.deregister_targets(TargetGroupArn=arn, Targets=[target])
    try:
        assert server_status(target["Id"]) == "MAINT"
        # Not even the fail-open twin: a deregistered target is out of the group.
        assert server_status(f"{target['Id']}-fail-open") == "MAINT"
        assert httpx.get(f"{deployed}/healthz", verify=tls, timeout=5).status_code == 503
    finally:
        elbv2.register_targets(TargetGroupArn=arn, Targets=[target])
    started = time.monotonic()
    while httpx.get(f"{deployed}/healthz", verify=tls, timeout=5).status_code != 200:
        assert time.monotonic() - started < 3 * target_group["HealthCheckIntervalSeconds"], "not back in time"
        time.sleep(0.5)


def test_the_app_sees_the_real_client_address_through_the_load_balancer(deployed, tls):
    """/metrics is open to 127.0.0.0/8 only. A client that claims another address in X-Forwarded-For
    is still seen as itself (the load balancer appends the real one, the app trusts one hop); the
    login and share-password throttles read the same address (request.remote_addr)."""
    spoofed = {"X-Forwarded-For": "203.0.113.9"}
    assert httpx.get(f"{deployed}/metrics", headers=spoofed, verify=tls, timeout=10).status_code == 200
