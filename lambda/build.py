"""Build the function's deployment zip and the local runtime image.

    python lambda/build.py zip [--runtime python3.13] [--arch x86_64] [--output dist/photoshare-processor.zip]
    python lambda/build.py image [--tag photoshare-lambda-runtime:local]

The zip is byte-for-byte reproducible: wheels for the target platform only
(nothing compiles here), no bytecode, entries sorted, every timestamp
1980-01-01 and fixed modes. So two builds of the same sources have the same
SHA-256, and the Ansible lambda module sees no change. boto3 is not bundled:
the Lambda runtime provides it.

The image is rebuilt only when its build context changed (a hash of the
context is kept as a label on the image).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LAMBDA_DIR = Path(__file__).resolve().parent
ROOT = LAMBDA_DIR.parent
# Everything of the function: the top-level modules beside this script and these packages.
FUNCTION_PACKAGES = ("processor",)
BUILD_ONLY = frozenset({"build.py"})
REQUIREMENTS = LAMBDA_DIR / "requirements.txt"
RUNTIME_CONTEXT = LAMBDA_DIR / "runtime"
RUNTIME_TAG = "photoshare-lambda-runtime:local"
INPUTS_LABEL = "io.photoshare.inputs-sha256"
ARCH_PLATFORMS = {
    "x86_64": ("manylinux_2_28_x86_64", "manylinux2014_x86_64"),
    "arm64": ("manylinux_2_28_aarch64", "manylinux2014_aarch64"),
}
RUNTIME_PATTERN = re.compile(r"python3\.(1[2-9])")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
DIR_MODE = 0o755


class BuildError(RuntimeError):
    """The build cannot go on; the message says what to fix."""


def build_zip(output: Path, runtime: str, arch: str) -> str:
    """Write the deployment zip to output; returns its SHA-256."""
    match = RUNTIME_PATTERN.fullmatch(runtime)
    if match is None:
        raise BuildError(f"runtime {runtime!r} is not supported: use python3.12 or newer, e.g. python3.13")
    if arch not in ARCH_PLATFORMS:
        raise BuildError(f"architecture {arch!r} is not supported: use one of {', '.join(ARCH_PLATFORMS)}")
    with tempfile.TemporaryDirectory(prefix="photoshare-lambda-") as staging_dir:
        staging = Path(staging_dir)
        install_dependencies(staging, f"3.{match[1]}", ARCH_PLATFORMS[arch])
        copy_function(staging)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        write_zip(staging, partial)
        partial.replace(output)
    return hashlib.sha256(output.read_bytes()).hexdigest()


def install_dependencies(target: Path, python_version: str, platforms: tuple[str, ...]) -> None:
    platform_args = [arg for platform in platforms for arg in ("--platform", platform)]
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",  # the lock file pins every dependency
        "--no-compile",
        "--only-binary=:all:",
        "--implementation=cp",
        f"--python-version={python_version}",
        *platform_args,
        f"--target={target}",
        f"--requirement={REQUIREMENTS}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(f"pip could not install {REQUIREMENTS.relative_to(ROOT)} for the target:\n{result.stderr}")


def copy_function(target: Path) -> None:
    for module in sorted(LAMBDA_DIR.glob("*.py")):
        if module.name not in BUILD_ONLY:
            shutil.copy2(module, target / module.name)
    for package in FUNCTION_PACKAGES:
        shutil.copytree(LAMBDA_DIR / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def write_zip(source: Path, output: Path) -> None:
    entries = sorted(
        (path.relative_to(source).as_posix() + ("/" if path.is_dir() else ""), path)
        for path in source.rglob("*")
        if "__pycache__" not in path.relative_to(source).parts and path.suffix != ".pyc"
    )
    with zipfile.ZipFile(output, "w") as archive:
        for name, path in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            if path.is_dir():
                info.external_attr = (stat.S_IFDIR | DIR_MODE) << 16 | 0x10  # 0x10: the MS-DOS directory flag
                archive.writestr(info, b"")
            else:
                info.external_attr = (stat.S_IFREG | FILE_MODE) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes(), compresslevel=9)


def context_digest(context: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in context.rglob("*") if p.is_file()):
        digest.update(path.relative_to(context).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_image(tag: str) -> bool:
    """Build the runtime image unless one built from the same context exists; True if built."""
    if shutil.which("docker") is None:
        raise BuildError("docker is not installed: run scripts/setup.sh first")
    wanted = context_digest(RUNTIME_CONTEXT)
    inspect = subprocess.run(
        ["docker", "image", "inspect", "--format", f'{{{{ index .Config.Labels "{INPUTS_LABEL}" }}}}', tag],
        capture_output=True,
        text=True,
        check=False,
    )
    if inspect.returncode == 0 and inspect.stdout.strip() == wanted:
        return False
    command = ["docker", "build", "--network", "host", "--label", f"{INPUTS_LABEL}={wanted}", "--tag", tag]
    result = subprocess.run([*command, str(RUNTIME_CONTEXT)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(f"docker build of {tag} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    zip_command = commands.add_parser("zip", help="build the deployment zip")
    zip_command.add_argument("--runtime", default="python3.13")
    zip_command.add_argument("--arch", default="x86_64", choices=sorted(ARCH_PLATFORMS))
    zip_command.add_argument("--output", type=Path, default=ROOT / "dist/photoshare-processor.zip")
    image_command = commands.add_parser("image", help="build the local runtime image if its inputs changed")
    image_command.add_argument("--tag", default=RUNTIME_TAG)
    args = parser.parse_args(argv)
    try:
        if args.command == "zip":
            digest = build_zip(args.output, args.runtime, args.arch)
            print(f"{args.output} ({args.runtime}, {args.arch}): sha256 {digest}")
        elif build_image(args.tag):
            print(f"built {args.tag}")
        else:
            print(f"{args.tag} is up to date")
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
