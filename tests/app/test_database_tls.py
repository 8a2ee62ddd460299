"""The database is reached over verified TLS only, as RDS with require_secure_transport=1 demands."""

from __future__ import annotations

import ssl
from pathlib import Path

import pymysql
import pytest
import yaml
from app_client import Visitor
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding

from photoshare.app import create_app
from photoshare.settings import RDS_CA_BUNDLE

ROOT = Path(__file__).resolve().parents[2]
# MySQL on RDS answers ER_SECURE_TRANSPORT_REQUIRED (3159); MariaDB 10.11 answers access denied (1045).
SECURE_TRANSPORT_REQUIRED = (3159, 1045)


def test_a_plaintext_connection_is_refused(database):
    """The same account that connects over TLS (the session's fixtures do) is refused in plaintext."""
    with pytest.raises(pymysql.err.OperationalError) as refused:
        pymysql.connect(
            host=database.host,
            port=database.port,
            user=database.username,
            password=database.password,
            ssl_disabled=True,  # checks-off: proves MariaDB refuses plaintext
        )
    assert refused.value.args[0] in SECURE_TRANSPORT_REQUIRED, refused.value
    database.connect(database=None).close()


def test_a_tls_connection_verifies_the_certificate_and_host_name(database):
    with database.connect(database=None) as conn, conn.cursor() as cur:
        cur.execute("SHOW STATUS LIKE 'Ssl_version'")
        assert cur.fetchone()[1].startswith("TLSv1.")


def test_a_connection_under_a_name_the_certificate_lacks_is_refused(database):
    """check_hostname is on: the certificate names localhost and 127.0.0.1, not 127.0.0.2."""
    with pytest.raises(pymysql.err.OperationalError) as refused:
        pymysql.connect(
            host="127.0.0.2",
            port=database.port,
            user=database.username,
            password=database.password,
            ssl_ca=database.ca_file,
            ssl_verify_identity=True,
            connect_timeout=3,
        )
    assert "certificate" in str(refused.value).lower() or refused.value.args[0] == 2003


async def test_the_app_works_over_tls(app, visitor):
    ready = await visitor().get("/readyz")
    assert (ready.status, ready.json()["checks"]["database"]) == (200, "ok")


async def test_a_wrong_ca_makes_readyz_report_the_tls_failure(settings):
    """Amazon's RDS CAs do not sign the local MariaDB's certificate: the app must refuse it."""
    app = create_app(settings.model_copy(update={"db_ca_bundle": RDS_CA_BUNDLE}))
    async with app.test_app() as test_app:
        client = Visitor(test_app.test_client())
        ready = await client.get("/readyz")
        assert ready.status == 503
        assert ready.json()["failing"] == ["database"]
        assert ready.json()["checks"]["database"].startswith("TLS verification failed: ")
        page = await client.get("/api/v1/feed")
        assert (page.status, page.error_code) == (503, "database_unavailable")
        assert "TLS" not in page.text


def pinned_rds_ca() -> str:
    defaults = yaml.safe_load((ROOT / "inventories/photoshare-defaults.yml").read_text())
    return defaults["photoshare_db_ca_certificate_identifier"]


def test_the_rds_bundle_holds_the_root_of_the_pinned_rds_ca():
    """rds-ca-rsa2048-g1 is Amazon's "Amazon RDS <region> Root CA RSA2048 G1" in every region."""
    assert pinned_rds_ca() == "rds-ca-rsa2048-g1"
    certs = x509.load_pem_x509_certificates(Path(RDS_CA_BUNDLE).read_bytes())
    roots = {cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value: cert for cert in certs}
    root = roots["Amazon RDS us-east-1 Root CA RSA2048 G1"]
    assert root.issuer == root.subject
    # The root's self-signature verifies, so a server chain ending in it verifies against the bundle.
    root.public_key().verify(
        root.signature, root.tbs_certificate_bytes, padding.PKCS1v15(), root.signature_hash_algorithm
    )
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert len([name for name in roots if name.endswith("Root CA RSA2048 G1") and "Beta" not in name]) >= 20


def test_the_rds_bundle_loads_as_a_trust_store():
    context = ssl.create_default_context(cafile=RDS_CA_BUNDLE)
    assert len(context.get_ca_certs()) >= 100
