"""The web host's first-boot script outlasts a flaky mirror and a held dpkg lock.

The script runs here with stand-ins for apt-get, curl, dpkg, systemctl and
sleep on its PATH: apt-get fails as often as the test says, and every call is
recorded.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import jinja2
from infra_playbooks import ROOT

TEMPLATE = ROOT / "roles" / "compute" / "templates" / "user-data.sh.j2"
COMMANDS = ("apt-get", "curl", "dpkg", "systemctl", "sleep")


def first_boot(tmp_path: Path, apt_failures: int) -> tuple[int, list[str]]:
    """Run the rendered script; its exit status and the commands it ran."""
    script = tmp_path / "user-data.sh"
    script.write_text(
        jinja2.Template(TEMPLATE.read_text()).render(
            compute_prefix="photoshare",
            compute_region="us-east-1",
            compute_architecture="amd64",
            compute__ssm_agent_url="https://example.invalid/amazon-ssm-agent.deb",
        )
    )
    bin_dir, calls, failures = tmp_path / "bin", tmp_path / "calls", tmp_path / "apt-failures"
    bin_dir.mkdir()
    failures.write_text(str(apt_failures))
    for command in COMMANDS:
        stub = bin_dir / command
        fail = (
            f'left=$(cat {failures}); if [ "$left" -gt 0 ]; then echo $((left - 1)) > {failures}; exit 100; fi\n'
            if command == "apt-get"
            else ""
        )
        stub.write_text(f'#!/bin/sh\necho "{command} $*" >> {calls}\n{fail}exit 0\n')
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    run = subprocess.run(
        ["sh", str(script)], env={**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}, capture_output=True, text=True
    )
    return run.returncode, calls.read_text().splitlines() if calls.exists() else []


def test_apt_waits_for_the_dpkg_lock_and_installs_the_agent(tmp_path):
    status, calls = first_boot(tmp_path, apt_failures=0)
    assert status == 0
    apt_calls = [call for call in calls if call.startswith("apt-get")]
    assert apt_calls
    assert all("DPkg::Lock::Timeout=300" in call for call in apt_calls)
    assert any(call.startswith("dpkg -i") for call in calls)
    assert "systemctl restart amazon-ssm-agent" in calls


def test_a_flaky_mirror_is_retried_with_backoff(tmp_path):
    status, calls = first_boot(tmp_path, apt_failures=3)
    assert status == 0
    assert [call for call in calls if call.startswith("sleep")] == ["sleep 15", "sleep 30", "sleep 45"]


def test_a_mirror_that_stays_down_fails_the_boot_script(tmp_path):
    status, calls = first_boot(tmp_path, apt_failures=5)
    assert status != 0
    assert not any(call.startswith("dpkg") for call in calls)
