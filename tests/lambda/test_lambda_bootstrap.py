"""The local runtime's entry point, run as moto runs it: `bootstrap.py <handler> <event-json>`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BOOTSTRAP = Path(__file__).resolve().parents[2] / "lambda" / "runtime" / "bootstrap.py"
PROBE = """
import os

def report(event, context):
    print("a log line on stdout before the result")
    return {
        "event": event,
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
        "region": os.environ.get("AWS_DEFAULT_REGION"),
        "remaining_ms": context.get_remaining_time_in_millis(),
    }

def fail(event, context):
    raise ValueError("the photo could not be processed")
"""


@pytest.fixture
def task_root(tmp_path) -> Path:
    (tmp_path / "probe.py").write_text(PROBE)
    return tmp_path


def run_bootstrap(task_root: Path, handler: str, event: dict) -> subprocess.CompletedProcess:
    environ = {
        **os.environ,
        "LAMBDA_TASK_ROOT": str(task_root),
        "AWS_ENDPOINT_URL": "https://host.docker.internal:5000",
        "AWS_REGION": "eu-west-3",
        "AWS_LAMBDA_FUNCTION_TIMEOUT": "30",
    }
    environ.pop("AWS_DEFAULT_REGION", None)
    return subprocess.run(
        [sys.executable, str(BOOTSTRAP), handler, json.dumps(event)], capture_output=True, text=True, env=environ
    )


def test_the_result_is_the_last_line_of_stdout(task_root):
    run = run_bootstrap(task_root, "probe.report", {"Records": []})
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["event"] == {"Records": []}
    assert result["endpoint"] == "https://127.0.0.1:5000"  # host networking: the emulator is on loopback
    assert result["region"] == "eu-west-3"
    assert 0 < result["remaining_ms"] <= 30_000


def test_an_exception_exits_non_zero_with_the_error_last(task_root):
    run = run_bootstrap(task_root, "probe.fail", {})
    assert run.returncode == 1
    assert json.loads(run.stdout.splitlines()[-1]) == {
        "errorType": "ValueError",
        "errorMessage": "the photo could not be processed",
    }
    assert "Traceback" in run.stderr
