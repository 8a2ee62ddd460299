#!/usr/bin/python
"""Manage a CloudWatch dashboard with put_dashboard, idempotent against get_dashboard."""

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudwatch_dashboard
short_description: Create, update or delete a CloudWatch dashboard
description:
  - Puts the dashboard body with C(put_dashboard) only when it differs from what C(get_dashboard) returns.
  - Supports check mode and diff mode.
options:
  name:
    description: Name of the dashboard.
    type: str
    required: true
  body:
    description:
      - The dashboard body (widgets), as a dictionary; required when O(state=present).
      - Compared with the current body as data, so key order and whitespace make no difference.
    type: dict
  state:
    description: Whether the dashboard exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
author:
  - PhotoShare
"""

EXAMPLES = r"""
- name: Create the dashboard
  photoshare.aws.cloudwatch_dashboard:
    name: PhotoShare-Monitor
    body:
      widgets:
        - type: metric
          x: 0
          y: 0
          width: 12
          height: 6
          properties:
            title: EC2 CPU
            region: us-east-1
            metrics:
              - [AWS/EC2, CPUUtilization, InstanceId, i-0123456789abcdef0]
"""

RETURN = r"""
dashboard_arn:
  description: ARN of the dashboard; empty when it does not exist.
  returned: always
  type: str
body:
  description: The dashboard body now in place (what was put, in check mode), empty when absent.
  returned: always
  type: dict
"""

import json

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing dependency

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def current_dashboard(client, module, name):
    """(arn, body) of the dashboard, or (None, None) when it does not exist."""
    try:
        response = client.get_dashboard(DashboardName=name)
    except is_boto3_error_code("ResourceNotFound"):
        return None, None
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
        module.fail_json_aws(err, msg=f"Could not read the dashboard {name}")
    return response["DashboardArn"], json.loads(response["DashboardBody"])


def put(client, module, name, body):
    try:
        response = client.put_dashboard(DashboardName=name, DashboardBody=json.dumps(body, sort_keys=True))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
        module.fail_json_aws(err, msg=f"Could not put the dashboard {name}")
    problems = [entry.get("Message", str(entry)) for entry in response.get("DashboardValidationMessages", [])]
    if problems:
        module.fail_json(msg=f"CloudWatch refused the dashboard {name}: {'; '.join(problems)}")


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "body": {"type": "dict"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        required_if=[("state", "present", ["body"])],
        supports_check_mode=True,
    )
    name = module.params["name"]
    client = module.client("cloudwatch")
    arn, body = current_dashboard(client, module, name)

    if module.params["state"] == "absent":
        changed = arn is not None
        if changed and not module.check_mode:
            try:
                client.delete_dashboards(DashboardNames=[name])
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
                module.fail_json_aws(err, msg=f"Could not delete the dashboard {name}")
        module.exit_json(changed=changed, dashboard_arn="", body={}, diff={"before": body or {}, "after": {}})

    # Round-trip through JSON so the comparison sees what CloudWatch would store.
    wanted = json.loads(json.dumps(module.params["body"]))
    changed = wanted != body
    if changed and not module.check_mode:
        put(client, module, name, wanted)
        arn, body = current_dashboard(client, module, name)
    module.exit_json(
        changed=changed,
        dashboard_arn=arn or "",
        body=wanted,
        diff={"before": body or {}, "after": wanted} if changed else {},
    )


if __name__ == "__main__":
    main()
