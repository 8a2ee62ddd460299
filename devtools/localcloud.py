"""The local cloud: an AWS API emulator (moto server) and a MariaDB standing in for RDS.

Both listen on 127.0.0.1 with their state under a git-ignored directory. The
endpoints come from inventories/local/group_vars/all/localcloud.yml, the file
Ansible reads too (devtools/localconfig.py). Starting what already runs is a
no-op. `up` also starts the stand-in for the web host's EC2 instance
(devtools/webhost.py). The daemons' plumbing is devtools/localprocess.py's,
the MariaDB devtools/localmariadb.py's.

    python -m devtools.localcloud up|down|status|app-url
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import urllib.request

from devtools import webhost
from devtools.localconfig import CONFIG_FILE, ROOT, LocalCloud, LocalCloudError, load
from devtools.localmariadb import start_mariadb
from devtools.localprocess import claim_port, port_open, read_pid, spawn, stop_pid, wait_until

# What tests/, bench/ and devtools/privatemoto.py use from here, wherever it is defined.
__all__ = [
    "CONFIG_FILE",
    "CONTAINER_FILTERS",
    "MOTO_AMIS_FILE",
    "ROOT",
    "LocalCloud",
    "LocalCloudError",
    "claim_port",
    "load",
    "main",
    "moto_command",
    "moto_environment",
    "port_open",
    "read_pid",
    "status",
    "up",
    "wait_until",
]

# Containers the local deployment creates on the host engine: the stand-in
# web host and everything Compose runs for the project.
CONTAINER_FILTERS = (f"label={webhost.LOCALCLOUD_LABEL}", "label=com.docker.compose.project=photoshare")
LAMBDA_RUNTIME_IMAGE = "photoshare-lambda-runtime:local"
# moto's built-in AMI list has no Debian 13; the compute role looks one up by
# Debian's owner id and name, as on AWS.
MOTO_AMIS_FILE = ROOT / "devtools" / "moto_amis.json"


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
