"""site.yml: a first run (builds the estate) and a second run (changes nothing), same emulator.

Both run against a private, empty moto server, as `make up` runs site.yml
(local inventory, the local MariaDB for the database), with a database and
user of their own that the script drops afterwards, and the estate torn down
at the end. Target (issue 5): the second run takes at most 0.5x the first.
Prints both times and the ratio; exits 1 if the target is missed or a run
fails. Writes bench/results/site.json.

    python bench/bench_site.py
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools import localcloud  # noqa: E402
from devtools.privatemoto import PrivateMoto  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "site.json"
MAX_RATIO = 0.5
ANSIBLE_PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")


def run(playbook: str, extra_vars: dict) -> float:
    """Seconds one ansible-playbook run takes; raises if it fails."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as vars_file:
        json.dump(extra_vars, vars_file)
        vars_file.flush()
        # The AWS estate (issue 5); the web tier is timed by its own Molecule scenario.
        command = [str(ANSIBLE_PLAYBOOK), "-i", "inventories/local", playbook, "--limit", "aws_control"]
        start = time.perf_counter()
        proc = subprocess.run(
            [*command, "-e", f"@{vars_file.name}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")},
        )
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{playbook} failed:\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}")
    return elapsed


def drop_database(cloud: localcloud.LocalCloud, name: str) -> None:
    with cloud.admin_connect() as conn:
        cur = conn.cursor()
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cur.execute(f"DROP USER IF EXISTS '{name}'@'%'")


def main() -> int:
    cloud = localcloud.up()
    zip_file = ROOT / "dist" / "photoshare-processor.zip"
    if not zip_file.exists():
        subprocess.run([sys.executable, "lambda/build.py", "zip", "--output", str(zip_file)], cwd=ROOT, check=True)
    name = f"psbench_{secrets.token_hex(4)}"
    try:
        with PrivateMoto() as moto:
            extra = {
                "photoshare_aws_endpoint_url": moto.endpoint_url,
                "photoshare_db_name": name,
                "photoshare_db_username": name,
                "photoshare_lambda_zip": str(zip_file),
                # The stand-in load balancer belongs to make up's estate.
                "photoshare_local_load_balancer_enabled": False,
            }
            first = run("site.yml", extra)
            second = run("site.yml", extra)
            run("teardown.yml", {**extra, "photoshare_teardown_confirm": "photoshare"})
    finally:
        drop_database(cloud, name)
    ratio = second / first
    result = {
        "first_run_s": round(first, 1),
        "second_run_s": round(second, 1),
        "ratio": round(ratio, 2),
        "target_ratio": MAX_RATIO,
        "met": ratio <= MAX_RATIO,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"site.yml first run (builds the estate): {first:6.1f} s")
    print(f"site.yml second run (changes nothing):  {second:6.1f} s")
    print(f"ratio second/first: {ratio:.2f} (target <= {MAX_RATIO}) {'met' if result['met'] else 'MISSED'}")
    print(f"results: {RESULTS.relative_to(ROOT)}")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
