#!/usr/bin/python
"""Read a Secrets Manager secret's value if the secret exists."""

from __future__ import annotations

DOCUMENTATION = r"""
module: secret_value_info
short_description: Read a Secrets Manager secret's value if it exists
description:
  - Returns whether the secret exists and, if so, its current SecretString.
  - A secret scheduled for deletion counts as missing.
  - Lets a role generate a value only on the first run and keep it afterwards. Use C(no_log) on the task.
options:
  name:
    description: Name or ARN of the secret.
    type: str
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
author:
  - PhotoShare
"""

EXAMPLES = r"""
- name: Read the signing key
  photoshare.aws.secret_value_info:
    name: photoshare/webhook/signing-key
  register: signing_key
  no_log: true
"""

RETURN = r"""
exists:
  description: Whether the secret exists (and is not scheduled for deletion).
  returned: always
  type: bool
arn:
  description: ARN of the secret; empty when it does not exist.
  returned: always
  type: str
secret_string:
  description: The current SecretString; empty when the secret does not exist.
  returned: always
  type: str
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing dependency

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def main():
    module = AnsibleAWSModule(
        argument_spec={"name": {"type": "str", "required": True}},
        supports_check_mode=True,
    )
    name = module.params["name"]
    client = module.client("secretsmanager")
    missing = {"changed": False, "exists": False, "arn": "", "secret_string": ""}
    try:
        described = client.describe_secret(SecretId=name)
        if described.get("DeletedDate"):
            module.exit_json(**missing)
        value = client.get_secret_value(SecretId=name)
    except is_boto3_error_code("ResourceNotFoundException"):
        module.exit_json(**missing)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
        module.fail_json_aws(err, msg=f"Could not read the secret {name}")
    module.exit_json(changed=False, exists=True, arn=value["ARN"], secret_string=value.get("SecretString", ""))


if __name__ == "__main__":
    main()
