"""The local cloud's MariaDB, standing in for RDS: TLS required, an admin account for Ansible and the tests."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path

from devtools.localconfig import LocalCloud
from devtools.localprocess import claim_port, port_open, read_pid, spawn, wait_until


def mariadb_client(cloud: LocalCloud, sql: str) -> None:
    """Run SQL as the OS root user through the socket (unix_socket auth)."""
    subprocess.run(
        ["mariadb", "--protocol=socket", f"--socket={cloud.mariadb_socket}", "-uroot", "-e", sql],
        check=True,
        capture_output=True,
    )


def init_mariadb(cloud: LocalCloud) -> None:
    data = cloud.mariadb_dir / "data"
    if (data / "mysql").is_dir():
        return
    data.mkdir(parents=True, exist_ok=True)
    shutil.chown(data, "mysql", "mysql")
    subprocess.run(
        [
            "mariadb-install-db",
            f"--datadir={data}",
            "--user=mysql",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
        ],
        check=True,
        capture_output=True,
    )
    print(f"    initialised MariaDB data in {data}")


def ensure_admin(cloud: LocalCloud) -> None:
    """A TCP admin account for Ansible and the tests, password generated here."""
    if cloud.admin_file.exists():
        return
    password = secrets.token_urlsafe(24)
    mariadb_client(
        cloud,
        f"CREATE OR REPLACE USER 'localcloud_admin'@'%' IDENTIFIED BY '{password}';"
        "GRANT ALL PRIVILEGES ON *.* TO 'localcloud_admin'@'%' WITH GRANT OPTION;",
    )
    fd = os.open(cloud.admin_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(
            {
                "username": "localcloud_admin",
                "password": password,
                "host": cloud.mariadb_host,
                "port": cloud.mariadb_port,
            },
            out,
        )
    print(f"    created the admin account (credentials in {cloud.admin_file})")


def start_mariadb(cloud: LocalCloud) -> None:
    pid_file = cloud.mariadb_dir / "mariadbd.pid"
    log = cloud.mariadb_dir / "mariadbd.log"
    if claim_port(cloud.mariadb_host, cloud.mariadb_port, pid_file, "MariaDB", "localcloud_mariadb_port"):
        print(f"    MariaDB already runs on {cloud.mariadb_host}:{cloud.mariadb_port}")
        ensure_admin(cloud)
        return
    init_mariadb(cloud)
    shutil.chown(cloud.mariadb_dir, "mysql", "mysql")
    server_key = mariadb_server_key(cloud)
    args = [
        "mariadbd",
        "--no-defaults",
        "--user=mysql",
        f"--datadir={cloud.mariadb_dir / 'data'}",
        f"--socket={cloud.mariadb_socket}",
        f"--pid-file={pid_file}",
        f"--log-error={log}",
        f"--bind-address={cloud.mariadb_host}",
        f"--port={cloud.mariadb_port}",
        "--skip-name-resolve",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci",
        "--max-connections=500",
        "--innodb-buffer-pool-size=256M",
        # Test data is disposable; fsync on every commit would only slow the suites.
        "--innodb-flush-log-at-trx-commit=2",
        # RDS's parameter group sets require_secure_transport=1: plaintext TCP is refused here too.
        f"--ssl-ca={cloud.ca.ca_file}",
        f"--ssl-cert={cloud.ca.server_cert_file}",
        f"--ssl-key={server_key}",
        "--require-secure-transport=ON",
    ]
    spawn(args, cloud.mariadb_dir / "mariadbd.out")
    wait_until(
        lambda: cloud.mariadb_socket.exists() and port_open(cloud.mariadb_host, cloud.mariadb_port), 60, "MariaDB", log
    )
    print(f"    started MariaDB on {cloud.mariadb_host}:{cloud.mariadb_port} (pid {read_pid(pid_file)})")
    ensure_admin(cloud)


def mariadb_server_key(cloud: LocalCloud) -> Path:
    """The server key, copied where only the mysql user (MariaDB's) can read it."""
    key = cloud.mariadb_dir / "server-key.pem"
    key.write_bytes(cloud.ca.server_key_file.read_bytes())
    key.chmod(0o600)
    shutil.chown(key, "mysql", "mysql")
    return key
