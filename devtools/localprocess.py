"""The local cloud's daemons: started detached, known by pid file and port, waited for, stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from devtools.localconfig import CONFIG_FILE, ROOT, LocalCloudError


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def read_pid(pid_file: Path) -> int | None:
    """The pid in pid_file if that process still runs."""
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    return pid


def wait_until(check, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise LocalCloudError(f"{what} did not answer within {timeout:.0f} s; see {log}.")


def stop_pid(pid_file: Path, name: str, timeout: float = 30) -> bool:
    pid = read_pid(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and read_pid(pid_file) == pid:
        time.sleep(0.2)
    if read_pid(pid_file) == pid:
        os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    print(f"    stopped {name} (pid {pid})")
    return True


def spawn(args: list[str], log: Path, env: dict[str, str] | None = None) -> int:
    """Start a detached daemon that outlives this process; returns its pid."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
    return proc.pid


def claim_port(host: str, port: int, pid_file: Path, name: str, setting: str) -> bool:
    """True if our own process already serves the port; raise if a stranger holds it."""
    if not port_open(host, port):
        return False
    if read_pid(pid_file) is not None:
        return True
    raise LocalCloudError(
        f"{host}:{port} is taken by a process that is not the local cloud's {name}. "
        f"Stop it, or change {setting} in {CONFIG_FILE.relative_to(ROOT)}."
    )
