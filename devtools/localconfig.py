"""The local cloud's settings: where its services listen and keep their state, and how clients reach them.

They come from inventories/local/group_vars/all/localcloud.yml, the file
Ansible reads too (devtools/localcloud.py runs the services).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from devtools.localca import LocalCA

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "inventories/local/group_vars/all/localcloud.yml"


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
