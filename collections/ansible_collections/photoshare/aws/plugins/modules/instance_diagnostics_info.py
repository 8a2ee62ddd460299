#!/usr/bin/python
"""What an instance that does not answer through SSM can still tell: its console and its SSM registration."""

from __future__ import annotations

DOCUMENTATION = r"""
module: instance_diagnostics_info
short_description: Read an instance's console output and SSM registration
description:
  - For a host the aws_ssm connection cannot reach, what EC2 and Systems Manager still know about it, so a
    first boot that went wrong (the user data failed to install the SSM agent) can be diagnosed from the
    control node.
options:
  instance_id:
    description: The instance.
    type: str
    required: true
  console_lines:
    description: How many of the console output's last lines to return.
    type: int
    default: 60
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
author:
  - PhotoShare
"""

EXAMPLES = r"""
- name: Read what the silent host can tell
  photoshare.aws.instance_diagnostics_info:
    instance_id: i-0123456789abcdef0
  register: diagnostics
"""

RETURN = r"""
console_output:
  description: The last lines of the instance's console (the user data's output among them); empty if none yet.
  returned: always
  type: list
  elements: str
ssm_registration:
  description:
    - The instance's entry in Systems Manager (PingStatus, AgentVersion, LastPingDateTime); {} if none.
    - C(error) instead, when Systems Manager could not be asked (for example, no ssm:DescribeInstanceInformation).
  returned: always
  type: dict
"""

import base64

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing dependency

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

SSM_FIELDS = ("PingStatus", "AgentVersion", "LastPingDateTime", "PlatformName")


def console_lines(ec2, instance_id: str, count: int) -> list[str]:
    output = ec2.get_console_output(InstanceId=instance_id, Latest=True).get("Output") or ""
    try:
        text = base64.b64decode(output, validate=True).decode("utf-8", "replace")
    except ValueError:
        text = output  # some SDKs and emulators hand it over decoded
    return text.splitlines()[-count:]


def ssm_registration(ssm, instance_id: str) -> dict:
    """The instance's SSM entry; {"error": ...} when Systems Manager will not say (a diagnosis goes on)."""
    try:
        found = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [instance_id]}])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
        return {"error": str(err)}
    entries = found.get("InstanceInformationList", [])
    return {field: str(entries[0][field]) for field in SSM_FIELDS if field in entries[0]} if entries else {}


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "instance_id": {"type": "str", "required": True},
            "console_lines": {"type": "int", "default": 60},
        },
        supports_check_mode=True,
    )
    instance_id = module.params["instance_id"]
    registration = ssm_registration(module.client("ssm"), instance_id)
    try:
        lines = console_lines(module.client("ec2"), instance_id, module.params["console_lines"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
        module.fail_json_aws(err, msg=f"Could not read the diagnostics of {instance_id}")
    module.exit_json(changed=False, console_output=lines, ssm_registration=registration)


if __name__ == "__main__":
    main()
