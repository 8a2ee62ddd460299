"""The local cloud's certificate authority: one CA, made once, that signs every local server.

The local MariaDB, the emulator's HTTPS endpoint and the stand-in load
balancer present certificates from it, and every client verifies them against
it, as clients on AWS verify RDS, the AWS APIs and the ALB. The CA's key never
leaves the git-ignored state directory.

    python -m devtools.localca [STATE_DIR]

makes the CA and the server certificate if they are missing and prints the CA's path.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# The names every local server answers on; passkeys (WebAuthn) need a host
# name, so `localhost` comes first.
SERVER_NAMES = ("localhost", "127.0.0.1")
CA_DAYS = 3650
SERVER_DAYS = 825  # the longest validity browsers accept for a server certificate


@dataclass(frozen=True)
class LocalCA:
    directory: Path

    @property
    def ca_file(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def ca_key_file(self) -> Path:
        return self.directory / "ca.key"

    @property
    def server_cert_file(self) -> Path:
        return self.directory / "server.pem"

    @property
    def server_key_file(self) -> Path:
        return self.directory / "server.key"

    @property
    def trust_bundle_file(self) -> Path:
        """The machine's trusted CAs plus the local CA, for clients that take one bundle (the AWS SDKs)."""
        return self.directory / "trust-bundle.pem"

    def ensure(self) -> LocalCA:
        """Make whatever is missing; an existing CA and certificate are kept."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if not (self.ca_file.exists() and self.ca_key_file.exists()):
            self._make_ca()
        if not self._server_certificate_current():
            self._issue_server_certificate()
        self._write_trust_bundle()
        return self

    def _make_ca(self) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PhotoShare local cloud CA")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        write_private(self.ca_key_file, key)
        self.ca_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        # A new CA invalidates every certificate the old one signed.
        self.server_cert_file.unlink(missing_ok=True)

    def _server_certificate_current(self) -> bool:
        if not (self.server_cert_file.exists() and self.server_key_file.exists()):
            return False
        cert = x509.load_pem_x509_certificate(self.server_cert_file.read_bytes())
        ca = x509.load_pem_x509_certificate(self.ca_file.read_bytes())
        remaining = cert.not_valid_after_utc - datetime.datetime.now(datetime.UTC)
        return cert.issuer == ca.subject and remaining > datetime.timedelta(days=30)

    def _issue_server_certificate(self) -> None:
        ca_key = serialization.load_pem_private_key(self.ca_key_file.read_bytes(), password=None)
        ca = x509.load_pem_x509_certificate(self.ca_file.read_bytes())
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        alt_names = [
            x509.IPAddress(ipaddress.ip_address(name)) if name[0].isdigit() else x509.DNSName(name)
            for name in SERVER_NAMES
        ]
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAMES[0])]))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
        )
        write_private(self.server_key_file, key)
        self.server_cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    def _write_trust_bundle(self) -> None:
        bundle = Path(system_bundle()).read_bytes().rstrip(b"\n") + b"\n" + self.ca_file.read_bytes()
        if not self.trust_bundle_file.exists() or self.trust_bundle_file.read_bytes() != bundle:
            self.trust_bundle_file.write_bytes(bundle)


def system_bundle() -> str:
    """The machine's CA bundle: Debian's, else the one Python's ssl module was built with."""
    debian = Path("/etc/ssl/certs/ca-certificates.crt")
    if debian.exists():
        return str(debian)
    import ssl

    return ssl.get_default_verify_paths().cafile or str(debian)


def write_private(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    """A private key readable by its owner only (the local MariaDB runs as mysql, see localcloud)."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


if __name__ == "__main__":
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".localcloud/ca")
    print(LocalCA(directory).ensure().ca_file)
