"""The local cloud's load balancer follows the target group's registrations, as the ALB does.

HAProxy (roles/localloadbalancer) is configured from the emulator when the
edge tier runs; a deployment then deregisters its host (draining) and
registers it again once the new release is ready. The ALB sends a
deregistered target no new requests; so that the stand-in does the same,
the emulator tells HAProxy's runtime API (PHOTOSHARE_ALB_ADMIN_PORT on
127.0.0.1) to put the target, and its fail-open twin, in maintenance, and
back to ready when it is registered again. HAProxy has no client that
watches an AWS target group; its runtime API is the documented way in.
FIXES names the moto attributes replaced (devtools/motoserver.py installs them).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from moto.elbv2 import models as elbv2_models

from devtools.motopatch import original

ADMIN_PORT_VARIABLE = "PHOTOSHARE_ALB_ADMIN_PORT"
# The role's haproxy.cfg.j2 names each target's fail-open backup so.
FAIL_OPEN_SUFFIX = "-fail-open"


def tell_load_balancer(commands: list[str]) -> None:
    """Send runtime API commands to the stand-in, if it runs (the infra suite's private emulators have none)."""
    port = os.environ.get(ADMIN_PORT_VARIABLE)
    if not port or not commands:
        return
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=2) as admin:
            admin.sendall(("; ".join(commands) + "\n").encode())
            admin.recv(65536)
    except OSError:
        pass  # no load balancer stand-in runs now; the next edge run configures it from the emulator


def server_commands(backend: elbv2_models.ELBv2Backend, arn: str, targets: list[dict[str, Any]], state: str) -> list:
    group = backend.target_groups.get(arn)
    if group is None:
        return []
    return [
        f"set server {group.name}/{target['Id']}{suffix} state {state}"
        for target in targets
        for suffix in ("", FAIL_OPEN_SUFFIX)
    ]


def register_targets(self: elbv2_models.ELBv2Backend, target_group_arn: str, instances: list[Any]) -> None:
    original(elbv2_models.ELBv2Backend, "register_targets")(self, target_group_arn, instances)
    tell_load_balancer(server_commands(self, target_group_arn, instances, "ready"))


def deregister_targets(self: elbv2_models.ELBv2Backend, target_group_arn: str, instances: list[Any]) -> None:
    tell_load_balancer(server_commands(self, target_group_arn, instances, "maint"))
    original(elbv2_models.ELBv2Backend, "deregister_targets")(self, target_group_arn, instances)


# Each fix: the (target, attribute, replacement) it installs.
FIXES: dict[str, list[tuple[Any, str, Any]]] = {
    "elbv2-targets-drive-load-balancer": [
        (elbv2_models.ELBv2Backend, "register_targets", register_targets),
        (elbv2_models.ELBv2Backend, "deregister_targets", deregister_targets),
    ],
}
