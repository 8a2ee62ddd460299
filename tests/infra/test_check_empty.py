"""site.yml --check on an empty account fails nothing and creates nothing."""

import pytest
from conftest import REGION
from infra_playbooks import run_playbook

from devtools.privatemoto import PrivateMoto

pytestmark = pytest.mark.slow


def test_check_mode_on_an_empty_account(deployment):
    with PrivateMoto() as empty:
        run = run_playbook("site.yml", empty.endpoint_url, deployment.extra_vars, check=True)
        assert run.returncode == 0, run.explain()
        assert run.failed == []
        # It reports what it would build...
        assert any(t.task.endswith("create | Create the VPC") and t.changed for t in run.tasks)

        def client(service):
            return empty.client(service, REGION)

        # ...and builds none of it.
        assert client("ec2").describe_vpcs(Filters=[{"Name": "tag:Project", "Values": ["photoshare"]}])["Vpcs"] == []
        assert client("s3").list_buckets()["Buckets"] == []
        assert client("kms").list_aliases()["Aliases"] == [
            a for a in client("kms").list_aliases()["Aliases"] if a["AliasName"].startswith("alias/aws/")
        ]
        assert client("secretsmanager").list_secrets()["SecretList"] == []
        assert client("iam").list_roles()["Roles"] == []
