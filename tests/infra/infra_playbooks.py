"""Run the project's playbooks against an emulator and read what every task did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")
# The AWS estate only: the web tier has its own Molecule suite (tests/webhost)
# and the whole of site.yml runs in tests/e2e, on the web host stand-in.
AWS_HOSTS = "aws_control"


@dataclass(frozen=True)
class TaskResult:
    play: str
    task: str
    host: str
    changed: bool
    failed: bool
    skipped: bool
    msg: str


@dataclass(frozen=True)
class PlaybookRun:
    returncode: int
    output: str
    stats: dict
    tasks: list[TaskResult]

    @property
    def changed(self) -> list[TaskResult]:
        return [task for task in self.tasks if task.changed]

    @property
    def failed(self) -> list[TaskResult]:
        return [task for task in self.tasks if task.failed]

    def explain(self) -> str:
        return self.output[-6000:]


def _task_results(report: dict) -> list[TaskResult]:
    results = []
    for play in report.get("plays", []):
        for task in play.get("tasks", []):
            for host, host_result in task.get("hosts", {}).items():
                items = host_result.get("results") or [host_result]
                results.append(
                    TaskResult(
                        play=play["play"]["name"],
                        task=task["task"]["name"],
                        host=host,
                        changed=any(item.get("changed", False) for item in items),
                        failed=any(item.get("failed", False) for item in items),
                        skipped=all(item.get("skipped", False) for item in items),
                        msg=str(host_result.get("msg", "")),
                    )
                )
    return results


def run_playbook(
    playbook: str,
    endpoint_url: str,
    extra_vars: dict,
    *,
    check: bool = False,
    inventory: str = "inventories/local",
    limit: str | None = AWS_HOSTS,
    environment: dict[str, str] | None = None,
) -> PlaybookRun:
    """ansible-playbook as `make up` runs it, with the JSON callback and extra vars from a file.

    `limit` None runs on every host of the inventory; `environment` adds to the
    process environment (the aws inventory's plugin finds its endpoint there).
    """
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"photoshare_aws_endpoint_url": endpoint_url, **extra_vars}, handle)
        vars_file = handle.name
    args = [str(ANSIBLE_PLAYBOOK), "-i", inventory, playbook, "-e", f"@{vars_file}"]
    if limit is not None:
        args += ["--limit", limit]
    if check:
        args.append("--check")
    env = {
        **{k: v for k, v in os.environ.items() if k != "ANSIBLE_CALLBACKS_ENABLED"},
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
        **(environment or {}),
    }
    try:
        proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    finally:
        Path(vars_file).unlink()
    try:
        report = json.loads(proc.stdout[proc.stdout.index("{") :])
    except ValueError:
        report = {}
    return PlaybookRun(
        returncode=proc.returncode,
        output=proc.stdout + proc.stderr,
        stats=report.get("stats", {}),
        tasks=_task_results(report),
    )


def run_module(module: str, arguments: dict, endpoint_url: str, ca_bundle: str) -> dict:
    """One module of the project's collection, ad hoc on localhost against this emulator; its result."""
    from devtools import localcloud  # the suite's root is on sys.path

    cloud = localcloud.load()
    connection = {
        "endpoint_url": endpoint_url,
        "aws_ca_bundle": ca_bundle,
        "access_key": cloud.access_key_id,
        "secret_key": cloud.secret_access_key,
        "region": cloud.region,
    }
    run = subprocess.run(
        [
            str(ANSIBLE_PLAYBOOK.with_name("ansible")),
            "localhost",
            "-m",
            module,
            "-a",
            json.dumps({**arguments, **connection}),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(run.stdout[run.stdout.index("{") :]) if "{" in run.stdout else {}
    results = [host for play in report.get("plays", []) for task in play["tasks"] for host in task["hosts"].values()]
    return results[0] if results else {"failed": True, "msg": run.stdout[-3000:] + run.stderr[-3000:]}
