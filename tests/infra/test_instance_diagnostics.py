"""What a web host that never answers through SSM can still tell the control node
(photoshare.aws.instance_diagnostics_info)."""

from __future__ import annotations

import pytest
from conftest import REGION
from infra_playbooks import run_module

from devtools.privatemoto import PrivateMoto


@pytest.mark.slow
def test_a_silent_instance_reports_its_console_and_ssm_registration():
    with PrivateMoto() as moto:
        ec2 = moto.client("ec2", REGION)
        image = ec2.describe_images()["Images"][0]["ImageId"]
        (instance,) = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"]
        result = run_module(
            "photoshare.aws.instance_diagnostics_info",
            {"instance_id": instance["InstanceId"]},
            moto.endpoint_url,
            moto.ca_bundle,
        )
    assert not result.get("failed"), result.get("msg")
    assert result["console_output"]  # moto's stand-in console text
    # The emulator does not implement DescribeInstanceInformation: the report says so and goes on.
    assert "DescribeInstanceInformation" in result["ssm_registration"]["error"]
