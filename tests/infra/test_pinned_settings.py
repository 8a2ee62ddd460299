"""Settings that keep a real AWS run out of trouble the emulator cannot reproduce, pinned."""

from __future__ import annotations

import yaml
from infra_playbooks import ROOT


def tasks_of(role: str, file: str = "create.yml") -> list[dict]:
    return yaml.safe_load((ROOT / "roles" / role / "tasks" / file).read_text())


def test_the_network_uses_availability_zones_only():
    """An account opted into Local Zones lists us-east-1-atl-2a before us-east-1a; moto has none."""
    (lookup,) = [task for task in tasks_of("network") if "amazon.aws.aws_az_info" in task]
    assert lookup["amazon.aws.aws_az_info"]["filters"] == {"state": "available", "zone-type": "availability-zone"}


def flattened(tasks: list[dict]) -> list[dict]:
    return [task for entry in tasks for task in (flattened(entry["block"]) if "block" in entry else [entry])]


def block_tasks(role: str, file: str) -> list[dict]:
    """Every task of the file, those in blocks (at any depth) included."""
    return flattened(tasks_of(role, file))


def named(tasks: list[dict], name: str) -> dict:
    (task,) = [task for task in tasks if task.get("name") == name]
    return task


def test_teardown_waits_for_the_interfaces_aws_services_leave_behind():
    """The ALB's and RDS's interfaces stay in use for minutes after they are deleted; moto removes them at once."""
    tasks = block_tasks("securitygroups", "delete.yml")
    wait = named(tasks, "delete | Wait until AWS services have released their network interfaces in the VPC")
    assert wait["amazon.aws.ec2_eni_info"]["filters"]["requester-managed"] == "true"
    defaults = yaml.safe_load((ROOT / "roles" / "securitygroups" / "defaults" / "main.yml").read_text())
    assert defaults["securitygroups_release_timeout"] >= 600


def test_deleting_what_aws_may_still_hold_is_retried():
    """DependencyViolation on a security group, a subnet or the internet gateway passes in a minute or two."""
    for role, name in (
        ("securitygroups", "delete | Remove the security groups"),
        ("network", "delete | Remove the subnets"),
        ("network", "delete | Remove the internet gateway"),
    ):
        task = named(block_tasks(role, "delete.yml"), name)
        assert task["until"].endswith("is not failed"), name
        assert task["retries"] * task["delay"] >= 120, name


def test_the_local_web_host_has_the_ssm_connections_command_cap():
    """amazon.aws.aws_ssm cuts any command longer than ansible_aws_ssm_timeout; the stand-in's shell
    (docker/webhost/bin/photoshare-command-cap, tested in tests/webhost) cuts after the same time."""
    inventories = ROOT / "inventories"
    aws = yaml.safe_load((inventories / "aws" / "group_vars" / "web" / "ssm.yml").read_text())
    local = yaml.safe_load((inventories / "local" / "group_vars" / "web" / "webhost.yml").read_text())
    assert local["ansible_shell_executable"] == "/usr/local/bin/photoshare-command-cap"
    assert int(local["ansible_docker_extra_env"]["PHOTOSHARE_COMMAND_CAP_S"]) == aws["ansible_aws_ssm_timeout"]


def test_every_long_web_host_task_runs_async():
    long_tasks = [
        ("docker.yml", "docker | Install Docker and Compose"),
        ("image_build.yml", "image_build | Build {{ webhost__app_image }}"),
        ("image_pull.yml", "image_pull | Pull {{ webhost_app_image }}"),
        ("deploy.yml", "deploy | Migrate the database"),
        ("deploy.yml", "deploy | Start the app"),
    ]
    for file, name in long_tasks:
        task = named(block_tasks("webhost", file), name)
        assert task["async"] == "{{ webhost_long_task_timeout }}", name
        assert 0 < task["poll"] <= 10, name
