"""The local cloud: an AWS API emulator (moto server) and a MariaDB standing in for RDS.

Both listen on 127.0.0.1 with their state under a git-ignored directory. The
endpoints come from inventories/local/group_vars/all/localcloud.yml, the file
Ansible reads too. Starting what already runs is a no-op. `up` also starts
the stand-in for the web host's EC2 instance (devtools/webhost.py).

    python -m devtools.localcloud up|down|status|app-url
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from devtools import webhost
from devtools.localca import LocalCA

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "inventories/local/group_vars/all/localcloud.yml"
# Containers the local deployment creates on the host engine: the stand-in
# web host and everything Compose runs for the project.
CONTAINER_FILTERS = (f"label={webhost.LOCALCLOUD_LABEL}", "label=com.docker.compose.project=photoshare")
LAMBDA_RUNTIME_IMAGE = "photoshare-lambda-runtime:local"
# moto's built-in AMI list has no Debian 13; the compute role looks one up by
# Debian's owner id and name, as on AWS.
MOTO_AMIS_FILE = ROOT / "devtools" / "moto_amis.json"


class LocalCloudError(RuntimeError):
    """Something of the local cloud could not start; the message says what to do."""


@dataclass(frozen=True)
class LocalCloud:
    moto_host: str
    moto_port: int
    metadata_port: int
    alb_admin_port: int
    mariadb_host: str
    mariadb_port: int
    access_key_id: str
    secret_access_key: str
    region: str
    app_url: str
    state_dir: Path

    @property
    def endpoint_url(self) -> str:
        """The emulator speaks HTTPS only, with a certificate from the local CA, as AWS's endpoints do."""
        return f"https://{self.moto_host}:{self.moto_port}"

    def metadata_endpoint(self, instance_name: str) -> str:
        """The instance metadata service of the emulator's running instance of that Name
        (AWS_EC2_METADATA_SERVICE_ENDPOINT; devtools/motoroles.py)."""
        return f"http://{self.moto_host}:{self.metadata_port}/{instance_name}/"

    @property
    def mariadb_dir(self) -> Path:
        return self.state_dir / "mariadb"

    @property
    def mariadb_socket(self) -> Path:
        return self.mariadb_dir / "mysqld.sock"

    @property
    def admin_file(self) -> Path:
        """Credentials of the local admin account, generated at first start (mode 0600)."""
        return self.mariadb_dir / "admin.json"

    def admin_credentials(self) -> dict:
        return json.loads(self.admin_file.read_text())

    @property
    def ca(self) -> LocalCA:
        """The CA that signs the local servers' certificates (devtools/localca.py)."""
        return LocalCA(self.state_dir / "ca")

    def mariadb_tls(self) -> dict:
        """PyMySQL's TLS arguments: the server's certificate and host name are verified, as on RDS."""
        return {"ssl_ca": str(self.ca.ca_file), "ssl_verify_identity": True}

    def admin_connect(self, **kwargs):
        """A PyMySQL connection as the admin account, over verified TLS."""
        import pymysql  # only the tests and benchmarks connect; `localcloud up` does not need it

        admin = self.admin_credentials()
        return pymysql.connect(
            host=admin["host"],
            port=admin["port"],
            user=admin["username"],
            password=admin["password"],
            **self.mariadb_tls(),
            **kwargs,
        )

    def aws_environment(self) -> dict[str, str]:
        """Environment for boto3, the AWS CLI and HTTP clients to talk to the emulator."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            # The machine's CAs and the local CA, which signs the emulator's certificate:
            # for the AWS SDKs, for OpenSSL's defaults (urllib, httpx), for requests
            # and for Node (Playwright's API requests).
            "AWS_CA_BUNDLE": str(self.ca.trust_bundle_file),
            "SSL_CERT_FILE": str(self.ca.trust_bundle_file),
            "REQUESTS_CA_BUNDLE": str(self.ca.trust_bundle_file),
            "NODE_EXTRA_CA_CERTS": str(self.ca.trust_bundle_file),
            # Never fall back to the instance metadata service: nothing but
            # 127.0.0.1 may be addressed here.
            "AWS_EC2_METADATA_DISABLED": "true",
        }


def load() -> LocalCloud:
    raw = yaml.safe_load(CONFIG_FILE.read_text())
    return LocalCloud(
        moto_host=raw["localcloud_moto_host"],
        moto_port=int(raw["localcloud_moto_port"]),
        metadata_port=int(raw["localcloud_metadata_port"]),
        alb_admin_port=int(raw["localcloud_alb_admin_port"]),
        mariadb_host=raw["localcloud_mariadb_host"],
        mariadb_port=int(raw["localcloud_mariadb_port"]),
        access_key_id=raw["localcloud_access_key_id"],
        secret_access_key=raw["localcloud_secret_access_key"],
        region=raw["localcloud_region"],
        app_url=raw["localcloud_app_url"],
        state_dir=ROOT / raw["localcloud_state_dir"],
    )


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


def moto_environment(port: int, metadata_port: int | None = None, alb_admin_port: int | None = None) -> dict[str, str]:
    """The environment every moto server of the project runs with (shared or private); metadata_port,
    if given, is where its instance metadata service listens, alb_admin_port the runtime API of the
    load balancer stand-in it keeps in step with its target groups (the shared one's only)."""
    cloud = load()
    # devtools/motoroles.py's IMDS_PORT_VARIABLE and devtools/motoalb.py's ADMIN_PORT_VARIABLE
    # (not imported: that would load moto here).
    metadata = {"PHOTOSHARE_IMDS_PORT": str(metadata_port)} if metadata_port else {}
    if alb_admin_port:
        metadata["PHOTOSHARE_ALB_ADMIN_PORT"] = str(alb_admin_port)
    return {
        **os.environ,
        # S3 notifications run the real function in a local runtime image,
        # with host networking so it reaches 127.0.0.1.
        "MOTO_DOCKER_LAMBDA_IMAGE": LAMBDA_RUNTIME_IMAGE,
        "MOTO_DOCKER_NETWORK_MODE": "host",
        "MOTO_PORT": str(port),
        # devtools.motoserver must import from any working directory.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "MOTO_AMIS_PATH": str(MOTO_AMIS_FILE),
        # AWS managed policies (AmazonSSMManagedInstanceCore) exist as on AWS.
        "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
        # The operator's key pair: the account's root (devtools/motoauth.py).
        "PHOTOSHARE_MOTO_ACCESS_KEY_ID": cloud.access_key_id,
        "PHOTOSHARE_MOTO_SECRET_ACCESS_KEY": cloud.secret_access_key,
        **metadata,
    }


def moto_command(host: str, port: int) -> list[str]:
    """moto server with the project's fixes (devtools/motoserver.py), over HTTPS with the local CA's certificate."""
    ca = load().ca.ensure()
    return [
        sys.executable,
        "-m",
        "devtools.motoserver",
        "-H",
        host,
        "-p",
        str(port),
        "--ssl-cert",
        str(ca.server_cert_file),
        "--ssl-key",
        str(ca.server_key_file),
    ]


def start_moto(cloud: LocalCloud) -> None:
    pid_file = cloud.state_dir / "moto.pid"
    log = cloud.state_dir / "moto.log"
    if claim_port(cloud.moto_host, cloud.moto_port, pid_file, "moto server", "localcloud_moto_port"):
        print(f"    moto server already runs on {cloud.endpoint_url}")
        return
    environment = moto_environment(cloud.moto_port, cloud.metadata_port, cloud.alb_admin_port)
    pid = spawn(moto_command(cloud.moto_host, cloud.moto_port), log, environment)
    pid_file.write_text(f"{pid}\n")
    wait_until(lambda: port_open(cloud.moto_host, cloud.moto_port), 60, "moto server", log)
    print(f"    started moto server on {cloud.endpoint_url} (pid {pid})")


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


def docker_available() -> bool:
    return (
        shutil.which("docker") is not None and subprocess.run(["docker", "info"], capture_output=True).returncode == 0
    )


def remove_containers() -> None:
    if not docker_available():
        return
    ids: set[str] = set()
    for flt in CONTAINER_FILTERS:
        out = subprocess.run(["docker", "ps", "-aq", "--filter", flt], capture_output=True, text=True, check=True)
        ids.update(out.stdout.split())
    if ids:
        subprocess.run(["docker", "rm", "-f", *sorted(ids)], capture_output=True, check=True)
        print(f"    removed {len(ids)} container(s)")


def up() -> LocalCloud:
    cloud = load()
    cloud.mariadb_dir.mkdir(parents=True, exist_ok=True)
    cloud.ca.ensure()
    start_moto(cloud)
    start_mariadb(cloud)
    return cloud


def down() -> None:
    cloud = load()
    remove_containers()
    stop_pid(cloud.state_dir / "moto.pid", "moto server")
    stop_pid(cloud.mariadb_dir / "mariadbd.pid", "MariaDB")
    # dockerd only if the set-up started it (a system service is left alone).
    stop_pid(cloud.state_dir / "dockerd.pid", "dockerd")


def status() -> bool:
    """Print what runs; True when both services answer."""
    cloud = load()
    moto = port_open(cloud.moto_host, cloud.moto_port)
    mariadb = port_open(cloud.mariadb_host, cloud.mariadb_port)
    print(f"    AWS emulator (moto): {cloud.endpoint_url} {'running' if moto else 'stopped'}")
    print(f"    MariaDB (for RDS):   {cloud.mariadb_host}:{cloud.mariadb_port} {'running' if mariadb else 'stopped'}")
    if docker_available():
        print(f"    {webhost.status()}")
    print(f"    PhotoShare:          {cloud.app_url} {'ready' if app_ready(cloud) else 'not ready'}")
    return moto and mariadb


def app_ready(cloud: LocalCloud) -> bool:
    try:
        tls = ssl.create_default_context(cafile=cloud.ca.ca_file)
        with urllib.request.urlopen(f"{cloud.app_url}/readyz", timeout=5, context=tls) as response:  # noqa: S310 - our own URL
            return response.status == 200
    except OSError:
        return False


def up_with_web_host() -> None:
    """The services, then the stand-in web host (the suites' fixtures need only the services)."""
    up()
    print(f"    {webhost.start()}")


def main(argv: list[str]) -> int:
    commands = {"up": up_with_web_host, "down": down, "status": lambda: None, "app-url": lambda: print(load().app_url)}
    if len(argv) != 1 or argv[0] not in commands:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        commands[argv[0]]()
    except (LocalCloudError, webhost.WebHostError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if argv[0] in ("down", "app-url"):
        return 0
    return 0 if status() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
