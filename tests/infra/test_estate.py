"""After site.yml on a fresh emulator, the account has every property the issue lists."""

from __future__ import annotations

import base64
import json
import re
import subprocess

import pymysql
import pytest
from conftest import ACCOUNT_ID, PREFIX

pytestmark = pytest.mark.slow

WORLD = "0.0.0.0/0"
BUCKET = f"{PREFIX}-assets-{ACCOUNT_ID}"
DEPLOY_BUCKET = f"{PREFIX}-deploy-{ACCOUNT_ID}"
FUNCTION = f"{PREFIX}-metadata-extractor"


@pytest.fixture(scope="module")
def key_arn(built, aws) -> str:
    return aws("kms").describe_key(KeyId=f"alias/{PREFIX}")["KeyMetadata"]["Arn"]


@pytest.fixture(scope="module")
def vpc(built, aws) -> dict:
    (found,) = aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-vpc"]}])["Vpcs"]
    return found


@pytest.fixture(scope="module")
def security_groups(built, aws, vpc) -> dict[str, dict]:
    groups = aws("ec2").describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    return {g["GroupName"]: g for g in groups["SecurityGroups"]}


@pytest.fixture(scope="module")
def instance(built, aws) -> dict:
    reservations = aws("ec2").describe_instances(
        Filters=[
            {"Name": "tag:Role", "Values": ["web"]},
            {"Name": "tag:Project", "Values": [PREFIX]},
            {"Name": "instance-state-name", "Values": ["running"]},
        ]
    )["Reservations"]
    (found,) = [i for r in reservations for i in r["Instances"]]
    return found


@pytest.fixture(scope="module")
def db_credentials(built, aws) -> dict:
    return json.loads(aws("secretsmanager").get_secret_value(SecretId=f"{PREFIX}/db/credentials")["SecretString"])


def statements(document) -> list[dict]:
    document = json.loads(document) if isinstance(document, str) else document
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def ingress(group: dict) -> set[tuple]:
    rules = set()
    for permission in group["IpPermissions"]:
        port = permission.get("FromPort")
        for ip_range in permission.get("IpRanges", []):
            rules.add((port, ip_range["CidrIp"]))
        for pair in permission.get("UserIdGroupPairs", []):
            rules.add((port, pair["GroupId"]))
    return rules


egress = lambda group: ingress({"IpPermissions": group["IpPermissionsEgress"]})  # noqa: E731


def test_site_reports_no_failure(built):
    assert built.first.failed == []
    assert built.first.stats["localhost"]["failures"] == 0


def test_vpc_spans_two_zones_with_public_and_private_subnets(aws, vpc):
    assert vpc["CidrBlock"] == "10.40.0.0/16"
    subnets = aws("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    by_tier = {}
    for subnet in subnets:
        tags = {t["Key"]: t["Value"] for t in subnet["Tags"]}
        by_tier.setdefault(tags["Tier"], []).append(subnet)
    assert {len(by_tier["public"]), len(by_tier["private"])} == {2}
    for tier in ("public", "private"):
        assert len({s["AvailabilityZone"] for s in by_tier[tier]}) == 2
    assert all(s["MapPublicIpOnLaunch"] for s in by_tier["public"])
    assert not any(s["MapPublicIpOnLaunch"] for s in by_tier["private"])


def test_only_public_subnets_route_to_the_internet(aws, vpc):
    ec2 = aws("ec2")
    (igw,) = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])[
        "InternetGateways"
    ]
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["RouteTables"]
    named = {t["Value"]: table for table in tables for t in table.get("Tags", []) if t["Key"] == "Name"}
    public_routes = {r.get("DestinationCidrBlock"): r.get("GatewayId") for r in named[f"{PREFIX}-public"]["Routes"]}
    assert public_routes[WORLD] == igw["InternetGatewayId"]
    assert WORLD not in {r.get("DestinationCidrBlock") for r in named[f"{PREFIX}-private"]["Routes"]}
    for table, tier in ((named[f"{PREFIX}-public"], "public"), (named[f"{PREFIX}-private"], "private")):
        associated = {a["SubnetId"] for a in table["Associations"] if "SubnetId" in a}
        assert len(associated) == 2, tier
    assert not ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["NatGateways"]


def test_s3_gateway_endpoint_serves_both_route_tables(aws, vpc):
    (endpoint,) = aws("ec2").describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "VpcEndpoints"
    ]
    assert endpoint["ServiceName"] == "com.amazonaws.us-east-1.s3"
    assert endpoint["VpcEndpointType"] == "Gateway"
    assert len(endpoint["RouteTableIds"]) == 2


def test_security_groups_are_chained_with_exact_rules(security_groups):
    alb, web, db = (security_groups[f"{PREFIX}-{name}"] for name in ("alb", "web", "db"))
    assert ingress(alb) == {(80, WORLD), (443, WORLD)}
    assert egress(alb) == {(8080, web["GroupId"])}
    assert ingress(web) == {(8080, alb["GroupId"])}
    assert egress(web) == {(443, WORLD), (80, WORLD), (3306, db["GroupId"])}
    assert ingress(db) == {(3306, web["GroupId"])}
    assert egress(db) == set()


def test_nothing_but_the_alb_takes_traffic_from_the_world(security_groups):
    open_to_world = {
        (name, port) for name, group in security_groups.items() for port, source in ingress(group) if source == WORLD
    }
    assert open_to_world == {(f"{PREFIX}-alb", 80), (f"{PREFIX}-alb", 443)}


def test_project_key_is_customer_managed_with_rotation(aws, key_arn):
    kms = aws("kms")
    metadata = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
    assert metadata["KeyManager"] == "CUSTOMER"
    assert metadata["KeyState"] == "Enabled"
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True


def test_secrets_are_encrypted_with_the_project_key(aws, key_arn):
    for name in (f"{PREFIX}/db/credentials", f"{PREFIX}/webhook/signing-key"):
        assert aws("secretsmanager").describe_secret(SecretId=name)["KmsKeyId"] == key_arn


def test_db_credentials_point_the_app_at_the_local_database(built, db_credentials, localcloud):
    assert set(db_credentials) == {"engine", "username", "password", "host", "port", "dbname"}
    assert db_credentials["engine"] == "mysql"
    assert db_credentials["username"] == built.deployment.db_username
    assert db_credentials["dbname"] == built.deployment.db_name
    assert (db_credentials["host"], db_credentials["port"]) == ("127.0.0.1", 3306)
    assert len(db_credentials["password"]) >= 32
    with (
        pymysql.connect(
            host=db_credentials["host"],
            port=db_credentials["port"],
            user=db_credentials["username"],
            password=db_credentials["password"],
            database=db_credentials["dbname"],
            **localcloud.mariadb_tls(),
        ) as conn,
        conn.cursor() as cur,
    ):
        cur.execute("CREATE TABLE ownership_probe (id INT PRIMARY KEY)")
        cur.execute("DROP TABLE ownership_probe")


def test_signing_key_is_long_and_url_safe(aws):
    key = aws("secretsmanager").get_secret_value(SecretId=f"{PREFIX}/webhook/signing-key")["SecretString"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", key)


def test_no_secret_reaches_the_output(built, aws, db_credentials):
    key = aws("secretsmanager").get_secret_value(SecretId=f"{PREFIX}/webhook/signing-key")["SecretString"]
    for run in (built.first, built.second, built.check):
        assert db_credentials["password"] not in run.output
        assert key not in run.output


def test_web_role_reaches_its_prefixes_secrets_key_and_ssm(aws, key_arn):
    iam = aws("iam")
    role = iam.get_role(RoleName=f"{PREFIX}-web")["Role"]
    assert statements(role["AssumeRolePolicyDocument"])[0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    attached = iam.list_attached_role_policies(RoleName=f"{PREFIX}-web")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AmazonSSMManagedInstanceCore"]
    document = iam.get_role_policy(RoleName=f"{PREFIX}-web", PolicyName=f"{PREFIX}-web-access")["PolicyDocument"]
    by_sid = {s["Sid"]: s for s in statements(document)}
    assert set(as_list(by_sid["PhotoObjects"]["Resource"])) == {
        f"arn:aws:s3:::{BUCKET}/originals/*",
        f"arn:aws:s3:::{BUCKET}/thumbnails/*",
    }
    assert set(as_list(by_sid["PhotoObjects"]["Action"])) == {
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:AbortMultipartUpload",
    }
    # HeadBucket (/readyz) and 404s for missing keys need ListBucket on the bucket itself.
    assert (by_sid["ListBucket"]["Action"], by_sid["ListBucket"]["Resource"]) == (
        "s3:ListBucket",
        f"arn:aws:s3:::{BUCKET}",
    )
    secret_base = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:secret:{PREFIX}"
    assert set(as_list(by_sid["ReadOwnSecrets"]["Resource"])) == {
        f"{secret_base}/db/credentials-??????",
        f"{secret_base}/webhook/signing-key-??????",
    }
    assert set(as_list(by_sid["ReadOwnSecrets"]["Action"])) <= {
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
    }
    assert by_sid["UseProjectKey"]["Resource"] == key_arn
    assert set(as_list(by_sid["UseProjectKey"]["Action"])) == {"kms:Decrypt", "kms:GenerateDataKey"}
    (profile,) = iam.list_instance_profiles_for_role(RoleName=f"{PREFIX}-web")["InstanceProfiles"]
    assert profile["InstanceProfileName"] == f"{PREFIX}-web"


def test_processor_role_reads_originals_writes_thumbnails(aws, key_arn):
    iam = aws("iam")
    role = iam.get_role(RoleName=FUNCTION)["Role"]
    assert statements(role["AssumeRolePolicyDocument"])[0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    document = iam.get_role_policy(RoleName=FUNCTION, PolicyName=f"{FUNCTION}-access")["PolicyDocument"]
    by_sid = {s["Sid"]: s for s in statements(document)}
    assert by_sid["ReadOriginals"] == {
        "Sid": "ReadOriginals",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/originals/*",
    }
    assert by_sid["WriteThumbnails"]["Resource"] == f"arn:aws:s3:::{BUCKET}/thumbnails/*"
    # A deleted original must read as NoSuchKey, not AccessDenied.
    assert (by_sid["ListBucket"]["Action"], by_sid["ListBucket"]["Resource"]) == (
        "s3:ListBucket",
        f"arn:aws:s3:::{BUCKET}",
    )
    assert by_sid["ReadSigningKey"]["Resource"].endswith(f":secret:{PREFIX}/webhook/signing-key-??????")
    assert by_sid["UseProjectKey"]["Resource"] == key_arn
    assert by_sid["WriteOwnLogs"]["Resource"].endswith(f":log-group:/aws/lambda/{FUNCTION}:*")
    assert by_sid["DeadLetters"]["Resource"].endswith(f":{FUNCTION}-dlq")


def test_groups_exist_with_scoped_policies(aws):
    iam = aws("iam")
    for group in ("admins", "developers"):
        names = iam.list_group_policies(GroupName=f"{PREFIX}-{group}")["PolicyNames"]
        assert names == [f"{PREFIX}-{group}"]
    developer = iam.get_group_policy(GroupName=f"{PREFIX}-developers", PolicyName=f"{PREFIX}-developers")
    actions = {a for s in statements(developer["PolicyDocument"]) for a in as_list(s["Action"])}
    assert not any(a.startswith("secretsmanager:") for a in actions)
    assert not any(a.endswith(("Put*", ":PutObject", ":DeleteObject")) for a in actions)


def test_no_policy_allows_every_action_on_every_resource(aws):
    iam = aws("iam")
    documents = []
    for role in iam.list_roles()["Roles"]:
        if role["RoleName"].startswith(f"{PREFIX}-"):
            for name in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
                documents.append(iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)["PolicyDocument"])
    for group in ("admins", "developers"):
        name = f"{PREFIX}-{group}"
        documents.append(iam.get_group_policy(GroupName=name, PolicyName=name)["PolicyDocument"])
    for bucket in (BUCKET, DEPLOY_BUCKET):
        documents.append(json.loads(aws("s3").get_bucket_policy(Bucket=bucket)["Policy"]))
    assert len(documents) == 6
    for document in documents:
        for statement in statements(document):
            if statement["Effect"] != "Allow":
                continue
            actions, resources = as_list(statement["Action"]), as_list(statement["Resource"])
            assert not ("*" in resources and any(a == "*" or a.endswith(":*") for a in actions)), statement


def assert_private_encrypted_and_tls_only(s3, bucket: str, key_arn: str | None) -> None:
    """key_arn None: encrypted with S3's own keys (SSE-S3)."""
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    if key_arn is None:
        assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    else:
        assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}
        assert rule["BucketKeyEnabled"] is True
    (deny,) = statements(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert deny["Effect"] == "Deny"
    assert deny["Principal"] == "*"
    assert deny["Action"] == "s3:*"
    assert set(deny["Resource"]) == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"}
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_bucket_is_private_encrypted_versioned_and_tls_only(aws, key_arn):
    assert_private_encrypted_and_tls_only(aws("s3"), BUCKET, key_arn)
    assert aws("s3").get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"


def test_bucket_lifecycle_aborts_uploads_and_expires_old_versions(aws):
    (rule,) = aws("s3").get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30


def test_deploy_bucket_is_private_encrypted_tls_only_and_keeps_no_versions(aws):
    # SSE-S3: the SSM connection's transfers need no KMS permission of the control node or the host.
    assert_private_encrypted_and_tls_only(aws("s3"), DEPLOY_BUCKET, None)
    # Never versioned (the files may hold what a task sends to the host), so deletes are final.
    assert "Status" not in aws("s3").get_bucket_versioning(Bucket=DEPLOY_BUCKET)


def test_deploy_bucket_expires_transfers_after_a_day(aws):
    (rule,) = aws("s3").get_bucket_lifecycle_configuration(Bucket=DEPLOY_BUCKET)["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["Expiration"] == {"Days": 1}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert rule.get("Filter", {}).get("Prefix", "") == ""


def test_bucket_has_no_cors_rule(aws):
    with pytest.raises(aws("s3").exceptions.ClientError, match="NoSuchCORSConfiguration"):
        aws("s3").get_bucket_cors(Bucket=BUCKET)


def test_new_originals_and_nothing_else_notify_the_processor(aws):
    config = aws("s3").get_bucket_notification_configuration(Bucket=BUCKET)
    (notification,) = config["LambdaFunctionConfigurations"]
    assert notification["LambdaFunctionArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:{FUNCTION}"
    assert notification["Events"] == ["s3:ObjectCreated:*"]
    rules = {r["Name"].lower(): r["Value"] for r in notification["Filter"]["Key"]["FilterRules"]}
    assert rules["prefix"] == "originals/"
    assert rules.get("suffix", "") == ""


def test_database_is_private_encrypted_protected_and_backed_up(aws, key_arn, security_groups):
    rds = aws("rds")
    (db,) = rds.describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-db")["DBInstances"]
    assert db["Engine"] == "mysql"
    assert db["PubliclyAccessible"] is False
    assert db["StorageEncrypted"] is True
    assert db["KmsKeyId"] == key_arn
    assert db["BackupRetentionPeriod"] >= 7
    assert db["DeletionProtection"] is True
    assert db["MultiAZ"] is False
    # The CA whose root app/photoshare/certs/rds-ca-bundle.pem holds (tests/app/test_database_tls.py).
    assert db["CACertificateIdentifier"] == "rds-ca-rsa2048-g1"
    assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [security_groups[f"{PREFIX}-db"]["GroupId"]]
    subnets = {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]}
    private = aws("ec2").describe_subnets(Filters=[{"Name": "tag:Tier", "Values": ["private"]}])["Subnets"]
    assert subnets == {s["SubnetId"] for s in private}
    (group,) = db["DBParameterGroups"]
    parameters = rds.describe_db_parameters(DBParameterGroupName=group["DBParameterGroupName"])["Parameters"]
    assert {p["ParameterName"]: p.get("ParameterValue") for p in parameters}["require_secure_transport"] == "1"


def test_web_host_runs_debian_13_with_imdsv2_and_an_encrypted_root(aws, instance, key_arn, security_groups):
    ec2 = aws("ec2")
    (image,) = ec2.describe_images(ImageIds=[instance["ImageId"]])["Images"]
    assert image["OwnerId"] == "136693071363"
    assert image["Name"].startswith("debian-13-amd64-")
    newest = max(
        ec2.describe_images(Owners=["136693071363"], Filters=[{"Name": "name", "Values": ["debian-13-amd64-*"]}])[
            "Images"
        ],
        key=lambda i: i["CreationDate"],
    )
    assert image["ImageId"] == newest["ImageId"]
    options = instance["MetadataOptions"]
    assert (options["HttpTokens"], options["HttpPutResponseHopLimit"], options["HttpEndpoint"]) == (
        "required",
        2,
        "enabled",
    )
    assert instance["IamInstanceProfile"]["Arn"].endswith(f":instance-profile/{PREFIX}-web")
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [security_groups[f"{PREFIX}-web"]["GroupId"]]
    assert "KeyName" not in instance
    (subnet,) = ec2.describe_subnets(SubnetIds=[instance["SubnetId"]])["Subnets"]
    assert {t["Key"]: t["Value"] for t in subnet["Tags"]}["Tier"] == "public"
    tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
    assert (tags["Name"], tags["Role"], tags["Project"]) == (f"{PREFIX}-web", "web", PREFIX)
    volume_id = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    (volume,) = ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"]
    assert volume["Encrypted"] is True
    assert volume["KmsKeyId"] == key_arn


def test_web_host_installs_the_ssm_agent_at_first_boot(aws, instance):
    attribute = aws("ec2").describe_instance_attribute(InstanceId=instance["InstanceId"], Attribute="userData")
    script = base64.b64decode(attribute["UserData"]["Value"]).decode()
    assert script.startswith("#!/bin/sh\n")
    agent = "https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/latest/debian_amd64/amazon-ssm-agent.deb"
    assert f"--output /tmp/amazon-ssm-agent.deb \\\n  {agent}\n" in script
    assert "\nretry dpkg -i /tmp/amazon-ssm-agent.deb\n" in script
    assert "\nsystemctl enable amazon-ssm-agent\n" in script
    # The aws_ssm connection moves files with curl on the host.
    assert "\nretry apt_get install -y --no-install-recommends ca-certificates curl\n" in script
    assert subprocess.run(["sh", "-n"], input=script, text=True, capture_output=True).returncode == 0


def test_load_balancer_checks_readyz_and_forwards_http(aws, instance, security_groups):
    elbv2 = aws("elbv2")
    (alb,) = elbv2.describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"]
    assert alb["Scheme"] == "internet-facing"
    assert alb["SecurityGroups"] == [security_groups[f"{PREFIX}-alb"]["GroupId"]]
    attributes = {
        a["Key"]: a["Value"]
        for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=alb["LoadBalancerArn"])["Attributes"]
    }
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    (group,) = elbv2.describe_target_groups(Names=[f"{PREFIX}-web"])["TargetGroups"]
    assert (group["Protocol"], group["Port"], group["HealthCheckPath"]) == ("HTTP", 8080, "/readyz")
    targets = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    assert [t["Target"]["Id"] for t in targets] == [instance["InstanceId"]]
    (listener,) = elbv2.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
    assert (listener["Protocol"], listener["Port"]) == ("HTTP", 80)
    (action,) = listener["DefaultActions"]
    assert (action["Type"], action["TargetGroupArn"]) == ("forward", group["TargetGroupArn"])


def test_processor_is_configured_as_lambda_readme_says(aws, key_arn):
    function = aws("lambda").get_function(FunctionName=FUNCTION)["Configuration"]
    (alb,) = aws("elbv2").describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"]
    assert (function["Runtime"], function["Handler"]) == ("python3.13", "handler.handler")
    assert (function["MemorySize"], function["Timeout"]) == (1024, 60)
    assert function["Role"] == f"arn:aws:iam::{ACCOUNT_ID}:role/{FUNCTION}"
    assert function["Environment"]["Variables"] == {
        # No certificate in this estate: plain HTTP to the ALB's own name (tests/e2e has the HTTPS case).
        "PHOTOSHARE_WEBHOOK_URL": f"http://{alb['DNSName']}/api/webhook",
        "PHOTOSHARE_WEBHOOK_SECRET_ID": f"{PREFIX}/webhook/signing-key",
        "PHOTOSHARE_KMS_KEY_ID": key_arn,
    }
    queue_url = aws("sqs").get_queue_url(QueueName=f"{FUNCTION}-dlq")["QueueUrl"]
    queue = aws("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert function["DeadLetterConfig"]["TargetArn"] == queue["QueueArn"]
    assert queue["KmsMasterKeyId"] == key_arn


def test_only_the_bucket_of_this_account_may_invoke_the_processor(aws):
    (statement,) = statements(aws("lambda").get_policy(FunctionName=FUNCTION)["Policy"])
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == f"arn:aws:s3:::{BUCKET}"
    assert statement["Condition"]["StringEquals"]["AWS:SourceAccount"] == ACCOUNT_ID


def test_processor_logs_are_kept_for_a_limited_time(aws):
    (group,) = aws("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{FUNCTION}")["logGroups"]
    assert group["retentionInDays"] == 30


def test_alarms_notify_the_alarm_topic(aws, instance):
    (topic,) = [
        t["TopicArn"] for t in aws("sns").list_topics()["Topics"] if t["TopicArn"].endswith(f":{PREFIX}-alarms")
    ]
    (subscription,) = aws("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "alarms@photoshare.localhost")
    alarms = {
        a["AlarmName"]: a for a in aws("cloudwatch").describe_alarms(AlarmNamePrefix="PhotoShare-")["MetricAlarms"]
    }
    expected = {
        "PhotoShare-Lambda-Error-Alarm": ("AWS/Lambda", "Errors", "GreaterThanThreshold", 0),
        "PhotoShare-EC2-CPU-High-Alarm": ("AWS/EC2", "CPUUtilization", "GreaterThanThreshold", 80),
        "PhotoShare-ALB-5XX-Alarm": ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "GreaterThanThreshold", 10),
        "PhotoShare-Unhealthy-Hosts-Alarm": (
            "AWS/ApplicationELB",
            "UnHealthyHostCount",
            "GreaterThanOrEqualToThreshold",
            1,
        ),
        "PhotoShare-RDS-Free-Storage-Low-Alarm": ("AWS/RDS", "FreeStorageSpace", "LessThanThreshold", 2147483648),
        "PhotoShare-RDS-CPU-High-Alarm": ("AWS/RDS", "CPUUtilization", "GreaterThanThreshold", 80),
    }
    assert set(alarms) == set(expected)
    for name, (namespace, metric, comparison, threshold) in expected.items():
        alarm = alarms[name]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["ComparisonOperator"]) == (namespace, metric, comparison)
        assert alarm["Threshold"] == threshold
        assert alarm["AlarmActions"] == [topic]
    assert alarms["PhotoShare-EC2-CPU-High-Alarm"]["Dimensions"] == [
        {"Name": "InstanceId", "Value": instance["InstanceId"]}
    ]
    assert alarms["PhotoShare-Lambda-Error-Alarm"]["Dimensions"] == [{"Name": "FunctionName", "Value": FUNCTION}]


def test_dashboard_shows_every_metric_the_issue_names(aws, instance):
    body = json.loads(aws("cloudwatch").get_dashboard(DashboardName="PhotoShare-Monitor")["DashboardBody"])
    shown = {(m[0], m[1]) for widget in body["widgets"] for m in widget["properties"]["metrics"]}
    assert shown >= {
        ("AWS/EC2", "CPUUtilization"),
        ("AWS/Lambda", "Invocations"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Duration"),
        ("AWS/ApplicationELB", "RequestCount"),
        ("AWS/ApplicationELB", "TargetResponseTime"),
        ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"),
        ("AWS/RDS", "DatabaseConnections"),
        ("AWS/RDS", "CPUUtilization"),
    }
    ec2_widget = next(w for w in body["widgets"] if w["properties"]["metrics"][0][0] == "AWS/EC2")
    assert ec2_widget["properties"]["metrics"][0][3] == instance["InstanceId"]
