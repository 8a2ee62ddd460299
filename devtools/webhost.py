"""The local cloud's stand-in for the photoshare-web EC2 instance: a Debian 13 container.

It runs on the host's engine with host networking and the host's Docker socket
bind-mounted, so the web host role drives the host's engine from inside it
(as Molecule's instances do). Ansible reaches it with the community.docker.docker
connection plugin under its container name. The image is rebuilt only when its
build context changed (a digest of the context is kept as a label), and the
container is recreated only when it does not run that image.

    python -m devtools.webhost image|up|status
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = ROOT / "docker/webhost"
IMAGE = "photoshare-webhost:local"
CONTAINER = "photoshare-web"
INPUTS_LABEL = "io.photoshare.inputs-sha256"
# devtools.localcloud's `down` removes every container with this label.
LOCALCLOUD_LABEL = "io.photoshare.localcloud"
DOCKER_SOCKET = "/var/run/docker.sock"


class WebHostError(RuntimeError):
    """The stand-in host could not be built or started; the message says what to do."""


def docker(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("docker") is None:
        raise WebHostError("docker is not installed: run scripts/setup.sh first")
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=False)


def context_digest(context: Path = CONTEXT) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in context.rglob("*") if p.is_file()):
        digest.update(path.relative_to(context).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def label_of(kind: str, name: str, label: str) -> str | None:
    """A label of an image or container, or None if there is no such object."""
    result = docker(kind, "inspect", "--format", f'{{{{ index .Config.Labels "{label}" }}}}', name)
    return result.stdout.strip() if result.returncode == 0 else None


def image_id(name: str) -> str | None:
    result = docker("image", "inspect", "--format", "{{ .Id }}", name)
    return result.stdout.strip() if result.returncode == 0 else None


def build_image() -> bool:
    """Build the image unless one built from the same context exists; True if built."""
    wanted = context_digest()
    if label_of("image", IMAGE, INPUTS_LABEL) == wanted:
        return False
    previous = image_id(IMAGE)
    result = docker("build", "--network", "host", "--label", f"{INPUTS_LABEL}={wanted}", "--tag", IMAGE, str(CONTEXT))
    if result.returncode != 0:
        raise WebHostError(f"docker build of {IMAGE} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    if previous is not None and previous != image_id(IMAGE):
        # The superseded image, unless a container (a Molecule instance) still runs it.
        docker("image", "rm", previous)
    return True


def running() -> bool:
    result = docker("container", "inspect", "--format", "{{ .State.Running }}", CONTAINER)
    return result.returncode == 0 and result.stdout.strip() == "true"


def start() -> str:
    """Make the stand-in host run the current image; returns what was done."""
    wanted = context_digest()
    current = label_of("container", CONTAINER, INPUTS_LABEL)
    if current == wanted and running():
        return f"{CONTAINER} already runs"
    if current is not None:
        # Stopped, or made from an older image: a fresh host, as after a rebuild.
        docker("rm", "--force", CONTAINER)
    built = build_image()
    result = docker(
        "run",
        "--detach",
        "--name",
        CONTAINER,
        "--hostname",
        CONTAINER,
        "--network",
        "host",
        "--volume",
        f"{DOCKER_SOCKET}:{DOCKER_SOCKET}",
        "--label",
        f"{LOCALCLOUD_LABEL}=web",
        "--label",
        f"{INPUTS_LABEL}={wanted}",
        "--restart",
        "unless-stopped",
        IMAGE,
    )
    if result.returncode != 0:
        raise WebHostError(f"docker run of {CONTAINER} failed: {result.stderr.strip()}")
    return f"started {CONTAINER}" + (f" (rebuilt {IMAGE})" if built else "")


def status() -> str:
    return f"Web host (for EC2):  container {CONTAINER} {'running' if running() else 'stopped'}"


def main(argv: list[str]) -> int:
    commands = {
        "image": lambda: f"{IMAGE} {'built' if build_image() else 'is up to date'}",
        "up": start,
        "status": status,
    }
    if len(argv) != 1 or argv[0] not in commands:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        print(f"    {commands[argv[0]]()}")
    except WebHostError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
