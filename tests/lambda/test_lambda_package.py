"""`lambda/build.py zip` makes a byte-for-byte reproducible deployment package."""

import hashlib
import stat
import zipfile
from pathlib import Path

import pytest
from lambda_build import run_build


@pytest.fixture(scope="module")
def two_builds(lambda_zip, tmp_path_factory) -> tuple[Path, Path]:
    second = tmp_path_factory.mktemp("second") / "photoshare-processor.zip"
    run = run_build("zip", "--output", str(second))
    assert run.returncode == 0, run.stderr
    assert hashlib.sha256(second.read_bytes()).hexdigest() in run.stdout
    return lambda_zip, second


def test_two_builds_have_the_same_sha256(two_builds):
    first, second = (hashlib.sha256(path.read_bytes()).hexdigest() for path in two_builds)
    assert first == second


def test_entries_are_sorted_with_fixed_times_and_modes(two_builds):
    with zipfile.ZipFile(two_builds[0]) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {stat.S_IMODE(info.external_attr >> 16) for info in infos if not info.is_dir()} == {0o644}
    assert {stat.S_IMODE(info.external_attr >> 16) for info in infos if info.is_dir()} == {0o755}


def test_the_package_holds_the_function_and_its_wheels_only(two_builds):
    with zipfile.ZipFile(two_builds[0]) as archive:
        names = set(archive.namelist())
    assert {"handler.py", "webhook.py", "processor/__init__.py", "processor/pipeline.py"} <= names
    assert {"PIL/__init__.py", "pillow_heif/__init__.py"} <= names
    assert any(name.startswith("PIL/_imaging.cpython-313-x86_64-linux-gnu") for name in names)
    assert not {"build.py", "runtime/bootstrap.py"} & names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    assert not [name for name in names if name.startswith(("boto3/", "botocore/"))]  # the runtime provides them


def test_an_unsupported_runtime_is_refused_before_anything_is_built(tmp_path):
    run = run_build("zip", "--runtime", "python3.9", "--output", str(tmp_path / "x.zip"))
    assert run.returncode == 1
    assert "python3.12 or newer" in run.stderr
    assert not (tmp_path / "x.zip").exists()
