"""The local cloud's stand-in for the photoshare-web instance: built, started once, reachable by Ansible."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from devtools import localcloud as lc
from devtools import webhost

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def standin(localcloud):
    webhost.start()
    return webhost.CONTAINER


def inspect(name: str) -> dict:
    out = subprocess.run(["docker", "container", "inspect", name], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)[0]


def test_image_is_rebuilt_only_when_its_context_changes(standin):
    assert webhost.build_image() is False
    assert webhost.label_of("image", webhost.IMAGE, webhost.INPUTS_LABEL) == webhost.context_digest()


def test_a_running_host_is_left_alone(standin):
    before = inspect(standin)["Id"]
    assert webhost.start() == f"{standin} already runs"
    assert inspect(standin)["Id"] == before


def test_the_host_borrows_the_engine_on_the_host_network(standin):
    container = inspect(standin)
    assert container["HostConfig"]["NetworkMode"] == "host"
    assert f"{webhost.DOCKER_SOCKET}:{webhost.DOCKER_SOCKET}" in container["HostConfig"]["Binds"]
    # make down removes it with the rest of the local cloud.
    assert container["Config"]["Labels"][webhost.LOCALCLOUD_LABEL] == "web"
    assert f"label={webhost.LOCALCLOUD_LABEL}" in lc.CONTAINER_FILTERS


def test_ansible_reaches_it_through_the_local_inventory(standin):
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("ansible")),
            "-i",
            "inventories/local",
            "web",
            "-m",
            "ansible.builtin.command",
            "-a",
            "cat /etc/debian_version",
        ],
        capture_output=True,
        text=True,
        cwd=lc.ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{standin} | CHANGED" in run.stdout
    assert "13." in run.stdout


def ad_hoc(*args: str) -> subprocess.CompletedProcess:
    """`ansible` on the local inventory's web hosts."""
    command = [str(Path(sys.executable).with_name("ansible")), "-i", "inventories/local", "web", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=lc.ROOT, check=False)


def test_a_command_longer_than_the_connections_cap_is_cut_unless_async(standin):
    """As the SSM connection on AWS (ansible_aws_ssm_timeout), here with a 2 s cap instead of 120 s."""
    short_cap = ["-e", json.dumps({"ansible_docker_extra_env": {"PHOTOSHARE_COMMAND_CAP_S": "2"}})]
    cut = ad_hoc(*short_cap, "-m", "ansible.builtin.command", "-a", "sleep 5")
    assert cut.returncode != 0
    assert "per-command cap of 2 s" in cut.stdout + cut.stderr
    polled = ad_hoc(*short_cap, "-B", "30", "-P", "1", "-m", "ansible.builtin.command", "-a", "sleep 5")
    assert polled.returncode == 0, polled.stdout + polled.stderr
