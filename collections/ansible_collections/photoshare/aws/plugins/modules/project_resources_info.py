#!/usr/bin/python
"""List the resources of a PhotoShare prefix that still exist, by name and by tag."""

from __future__ import annotations

DOCUMENTATION = r"""
module: project_resources_info
short_description: List the resources of a project prefix that still exist
description:
  - Looks for every resource type the PhotoShare roles create, by name (the prefix) and by the C(Project) tag.
  - Teardown runs it last and reports what is left. KMS keys pending deletion and secrets scheduled
    for deletion count as removed (AWS keeps them for their waiting period).
options:
  prefix:
    description: The project prefix resource names derive from, also the value of the C(Project) tag.
    type: str
    required: true
  bucket_names:
    description: Names of the project's buckets (they carry a suffix, not only the prefix).
    type: list
    elements: str
    required: true
  dashboard_names:
    description: CloudWatch dashboards of the project.
    type: list
    elements: str
    default: []
  alarm_names:
    description: CloudWatch alarms of the project.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
author:
  - PhotoShare
"""

EXAMPLES = r"""
- name: List what is left of the project
  photoshare.aws.project_resources_info:
    prefix: photoshare
    bucket_names: [photoshare-assets-123456789012, photoshare-deploy-123456789012]
    dashboard_names: [PhotoShare-Monitor]
  register: leftovers
"""

RETURN = r"""
resources:
  description: Resource type to the names or ids of that type that still exist; types with none are left out.
  returned: always
  type: dict
  sample: {"ec2 vpc": ["vpc-0123 (photoshare-vpc)"]}
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing dependency

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

PENDING_KEY_STATES = ("PendingDeletion", "PendingReplicaDeletion")
LIVE_INSTANCE_STATES = ["pending", "running", "stopping", "stopped", "shutting-down"]


def every(client, operation, key, **kwargs):
    """Every item of a listing: all its pages (one call when the API has no pages)."""
    if client.can_paginate(operation):
        return client.get_paginator(operation).paginate(**kwargs).build_full_result().get(key, [])
    return getattr(client, operation)(**kwargs).get(key, [])


def tag_name(resource):
    return next((tag["Value"] for tag in resource.get("Tags", []) if tag["Key"] == "Name"), "")


def labelled(resource_id, resource):
    name = tag_name(resource)
    return f"{resource_id} ({name})" if name else resource_id


def ec2_resources(ec2, prefix):
    by_tag = [{"Name": "tag:Project", "Values": [prefix]}]
    found = {}
    vpcs = every(ec2, "describe_vpcs", "Vpcs", Filters=[{"Name": "tag:Name", "Values": [f"{prefix}-vpc"]}])
    vpcs += [v for v in every(ec2, "describe_vpcs", "Vpcs", Filters=by_tag) if v not in vpcs]
    found["ec2 vpc"] = [labelled(v["VpcId"], v) for v in vpcs]
    vpc_ids = [v["VpcId"] for v in vpcs]
    in_vpcs = [{"Name": "vpc-id", "Values": vpc_ids}] if vpc_ids else None

    def tagged_or_in_vpcs(operation, key, id_key):
        items = {}
        for filters in [by_tag, in_vpcs]:
            if filters is None:
                continue
            for item in every(ec2, operation, key, Filters=filters):
                items[item[id_key]] = item
        return [labelled(item_id, item) for item_id, item in items.items()]

    found["ec2 subnet"] = tagged_or_in_vpcs("describe_subnets", "Subnets", "SubnetId")
    found["ec2 route table"] = [
        labelled(t["RouteTableId"], t)
        for t in every(ec2, "describe_route_tables", "RouteTables", Filters=by_tag)
        if not any(a.get("Main") for a in t.get("Associations", []))
    ]
    found["ec2 security group"] = [
        labelled(g["GroupId"], g) + f" {g['GroupName']}"
        for g in every(
            ec2,
            "describe_security_groups",
            "SecurityGroups",
            Filters=[{"Name": "group-name", "Values": [f"{prefix}-*"]}],
        )
    ]
    found["ec2 internet gateway"] = [
        labelled(g["InternetGatewayId"], g)
        for g in every(ec2, "describe_internet_gateways", "InternetGateways", Filters=by_tag)
    ]
    found["ec2 vpc endpoint"] = [
        labelled(e["VpcEndpointId"], e)
        for e in every(ec2, "describe_vpc_endpoints", "VpcEndpoints", Filters=by_tag)
        if e["State"].lower() not in ("deleted", "deleting")
    ]
    found["ec2 nat gateway"] = [
        labelled(n["NatGatewayId"], n)
        for n in every(ec2, "describe_nat_gateways", "NatGateways", Filters=by_tag)
        if n["State"] in ("pending", "available")
    ]
    found["ec2 instance"] = [
        labelled(i["InstanceId"], i)
        for r in every(
            ec2,
            "describe_instances",
            "Reservations",
            Filters=[*by_tag, {"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}],
        )
        for i in r["Instances"]
    ]
    found["ec2 elastic ip"] = [a["AllocationId"] for a in every(ec2, "describe_addresses", "Addresses", Filters=by_tag)]
    return found


def named(items, key, prefix):
    return [item[key] for item in items if item[key].startswith(prefix)]


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "prefix": {"type": "str", "required": True},
            "bucket_names": {"type": "list", "elements": "str", "required": True},
            "dashboard_names": {"type": "list", "elements": "str", "default": []},
            "alarm_names": {"type": "list", "elements": "str", "default": []},
        },
        supports_check_mode=True,
    )
    prefix = module.params["prefix"]
    found = {}
    try:
        found.update(ec2_resources(module.client("ec2"), prefix))

        elbv2 = module.client("elbv2")
        found["elbv2 load balancer"] = named(
            every(elbv2, "describe_load_balancers", "LoadBalancers"), "LoadBalancerName", f"{prefix}-"
        )
        found["elbv2 target group"] = named(
            every(elbv2, "describe_target_groups", "TargetGroups"), "TargetGroupName", f"{prefix}-"
        )

        rds = module.client("rds")
        found["rds instance"] = named(
            every(rds, "describe_db_instances", "DBInstances"), "DBInstanceIdentifier", f"{prefix}-"
        )
        found["rds subnet group"] = named(
            every(rds, "describe_db_subnet_groups", "DBSubnetGroups"), "DBSubnetGroupName", f"{prefix}-"
        )
        found["rds parameter group"] = named(
            every(rds, "describe_db_parameter_groups", "DBParameterGroups"), "DBParameterGroupName", f"{prefix}-"
        )

        s3 = module.client("s3")
        found["s3 bucket"] = [
            b["Name"] for b in every(s3, "list_buckets", "Buckets") if b["Name"] in module.params["bucket_names"]
        ]

        secrets = module.client("secretsmanager")
        found["secretsmanager secret"] = [
            s["Name"]
            for s in every(secrets, "list_secrets", "SecretList", Filters=[{"Key": "name", "Values": [f"{prefix}/"]}])
            if not s.get("DeletedDate")
        ]

        kms = module.client("kms")
        live_keys = []
        for key in every(kms, "list_keys", "Keys"):
            try:
                metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            except is_boto3_error_code("AccessDeniedException"):
                continue  # a key whose policy leaves the caller out is not one the project made
            if metadata["KeyManager"] != "CUSTOMER" or metadata["KeyState"] in PENDING_KEY_STATES:
                continue
            tags = every(kms, "list_resource_tags", "Tags", KeyId=key["KeyId"])
            if {"TagKey": "Project", "TagValue": prefix} in tags:
                live_keys.append(key["KeyId"])
        found["kms key"] = live_keys
        # AWS deletes an alias with its key; one that names a live key is left over.
        found["kms alias"] = [
            a["AliasName"]
            for a in every(kms, "list_aliases", "Aliases")
            if a["AliasName"] == f"alias/{prefix}"
            and kms.describe_key(KeyId=a["TargetKeyId"])["KeyMetadata"]["KeyState"] not in PENDING_KEY_STATES
        ]

        iam = module.client("iam")
        found["iam role"] = named(every(iam, "list_roles", "Roles"), "RoleName", f"{prefix}-")
        found["iam instance profile"] = named(
            every(iam, "list_instance_profiles", "InstanceProfiles"), "InstanceProfileName", f"{prefix}-"
        )
        found["iam group"] = named(every(iam, "list_groups", "Groups"), "GroupName", f"{prefix}-")

        found["lambda function"] = named(
            every(module.client("lambda"), "list_functions", "Functions"), "FunctionName", f"{prefix}-"
        )
        found["logs log group"] = [
            g["logGroupName"]
            for g in every(
                module.client("logs"), "describe_log_groups", "logGroups", logGroupNamePrefix=f"/aws/lambda/{prefix}-"
            )
        ]
        found["sqs queue"] = every(module.client("sqs"), "list_queues", "QueueUrls", QueueNamePrefix=f"{prefix}-")
        found["sns topic"] = [
            t["TopicArn"]
            for t in every(module.client("sns"), "list_topics", "Topics")
            if t["TopicArn"].rsplit(":", 1)[-1].startswith(f"{prefix}-")
        ]

        cloudwatch = module.client("cloudwatch")
        if module.params["alarm_names"]:
            found["cloudwatch alarm"] = [
                a["AlarmName"]
                for a in every(cloudwatch, "describe_alarms", "MetricAlarms", AlarmNames=module.params["alarm_names"])
            ]
        dashboards = {d["DashboardName"] for d in every(cloudwatch, "list_dashboards", "DashboardEntries")}
        found["cloudwatch dashboard"] = sorted(dashboards & set(module.params["dashboard_names"]))
    except is_boto3_error_code("AccessDenied"):
        module.fail_json(
            msg="Listing the project's resources was denied: the caller needs read access to every service."
        )
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
        module.fail_json_aws(err, msg="Could not list the project's resources")
    module.exit_json(changed=False, resources={kind: names for kind, names in found.items() if names})


if __name__ == "__main__":
    main()
