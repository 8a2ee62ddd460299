"""A benchmark's app behind the local cloud's load balancer: HAProxy with the configuration the
localloadbalancer role writes (its own template, rendered with Ansible's filters), for a target
group of one, the benchmark's app, as roles/loadbalancer sets up the ALB.

The load balancer runs in a container of its own on free ports, so a running `make up` is left
alone; `make down` removes it if a benchmark was killed before it could.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import jinja2
from ansible.plugins.filter.core import FilterModule
from appbench import ROOT, free_port

from devtools import localcloud, webhost

TEMPLATE = ROOT / "roles" / "localloadbalancer" / "templates" / "haproxy.cfg.j2"
IMAGE = "photoshare-localcloud-alb:local"
CONTEXT = ROOT / "docker" / "loadbalancer"
CONFIG_DIR_IN_CONTAINER = "/etc/haproxy/photoshare"
HTTPS_PORT = 443
# What roles/loadbalancer gives the ALB and its target group.
IDLE_TIMEOUT_S = 60
HEALTH_CHECK = {
    "health_check_path": "/readyz",
    "matcher": {"http_code": "200"},
    "health_check_interval_seconds": 15,
    "health_check_timeout_seconds": 5,
    "healthy_threshold_count": 2,
    "unhealthy_threshold_count": 3,
}


def render(app_port: int, https_port: int, stats_port: int, admin_port: int) -> str:
    # An HAProxy configuration, not HTML: nothing to escape (Ansible renders it the same way).
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)  # noqa: S701
    environment.filters.update(FilterModule().filters())
    return environment.from_string(TEMPLATE.read_text()).render(
        ansible_managed="Written by bench/loadbalanced.py from the localloadbalancer role's template",
        localloadbalancer__lb={
            "load_balancer_name": "photoshare-bench-alb",
            "idle_timeout_timeout_seconds": IDLE_TIMEOUT_S,
            "routing_http_drop_invalid_header_fields_enabled": "true",
            "listeners": [{"port": HTTPS_PORT, "protocol": "HTTPS", "default_actions": [{"type": "forward"}]}],
        },
        localloadbalancer__group={
            "target_group_name": "photoshare-bench",
            **HEALTH_CHECK,
            "targets_health_description": [{"target": {"id": "i-bench", "port": app_port}}],
        },
        localloadbalancer_stats_port=stats_port,
        localloadbalancer_admin_port=admin_port,
        localloadbalancer_port_offset=https_port - HTTPS_PORT,
        localloadbalancer__container_config_dir=CONFIG_DIR_IN_CONTAINER,
    )


@contextmanager
def behind_load_balancer(app_url: str):
    """Yields the HTTPS URL through which the load balancer serves the app at app_url."""
    cloud = localcloud.load()
    subprocess.run(
        ["docker", "build", "--network", "host", "-q", "-t", IMAGE, str(CONTEXT)], check=True, capture_output=True
    )
    https_port, stats_port, admin_port = free_port(), free_port(), free_port()
    name = f"photoshare-bench-alb-{https_port}"
    with tempfile.TemporaryDirectory(prefix="photoshare-bench-alb-") as config_dir:
        config = Path(config_dir)
        (config / "haproxy.cfg").write_text(render(urlsplit(app_url).port, https_port, stats_port, admin_port))
        ca = cloud.ca.ensure()
        listener = config / "listener.pem"
        listener.touch(mode=0o600)
        listener.write_text(ca.server_cert_file.read_text() + ca.server_key_file.read_text())
        run = ["docker", "run", "-d", "--name", name, "--network", "host", "--label", f"{webhost.LOCALCLOUD_LABEL}=alb"]
        mount = ["-v", f"{config}:{CONFIG_DIR_IN_CONTAINER}:ro"]
        command = ["haproxy", "-W", "-db", "-f", f"{CONFIG_DIR_IN_CONTAINER}/haproxy.cfg"]
        subprocess.run([*run, *mount, IMAGE, *command], check=True, capture_output=True)
        url = f"https://localhost:{https_port}"
        try:
            wait_until_served(url, cloud.ca.ca_file)
            yield url
        finally:
            subprocess.run(["docker", "rm", "-f", name], check=True, capture_output=True)


def wait_until_served(url: str, ca_file: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/healthz", verify=str(ca_file), timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the load balancer never served {url}/healthz")
        time.sleep(0.2)
