"""moto server with the fixes that make it answer as AWS does where PhotoShare's roles rely on it.

    python -m devtools.motoserver -H 127.0.0.1 -p 5000

takes moto_server's arguments. Each fix restores one AWS behaviour by replacing
moto attributes through devtools/motopatch.py, which keeps every original (the
fix wraps it where it can, and undo() restores it); moto's own code is not
modified. FIXES here and in devtools/motoauth.py, motoroles.py, motoalb.py,
motos3.py and motonotify.py name them; tests/localcloud/test_moto_fixes.py holds
a direct test of each, or says which test is. The server also runs the instance
metadata service (devtools/motoroles.py) and stops it on its way out.
"""

from __future__ import annotations

import sys
from typing import Any

from moto import settings as moto_settings
from moto.acm import models as acm_models
from moto.awslambda import models as lambda_models
from moto.elbv2 import models as elbv2_models
from moto.iam import models as iam_models
from moto.iam.exceptions import DeleteConflictException
from moto.kms import models as kms_models
from moto.rds import models as rds_models
from moto.rds.exceptions import DBParameterGroupNotFoundError
from moto.server import main as moto_main

from devtools import motoalb, motoauth, motonotify, motoroles, motos3
from devtools.motopatch import original, patch

# How long the server, once told to stop, waits for functions S3 invoked (under localcloud's 30 s grace).
NOTIFICATIONS_JOIN_S = 20


def describe_db_parameter_groups(self: rds_models.RDSBackend, kwargs: dict[str, Any]) -> list:
    """AWS answers DBParameterGroupNotFound for an unknown name; moto answers an empty list,
    on which amazon.aws.rds_instance_param_group fails (IndexError) instead of creating the group."""
    name = kwargs.get("db_parameter_group_name")
    if name and name not in self.db_parameter_groups:
        raise DBParameterGroupNotFoundError(name)
    return original(rds_models.RDSBackend, "describe_db_parameter_groups")(self, kwargs)


def delete_group(self: iam_models.IAMBackend, group_name: str) -> None:
    """IAM refuses DeleteGroup with DeleteConflict while the group has members, inline policies
    or attached managed policies; moto deletes it, so a teardown that forgets one passes here."""
    group = self.groups.get(group_name)
    if group is not None and group.users:
        raise DeleteConflictException("Cannot delete entity, must remove users from group first.")
    if group is not None and group.policies:
        raise DeleteConflictException("Cannot delete entity, must delete policies first.")
    if group is not None and group.managed_policies:
        raise DeleteConflictException("Cannot delete entity, must detach all policies first.")
    original(iam_models.IAMBackend, "delete_group")(self, group_name)


# AWS's gp3 baseline below 400 GiB, which it reports and does not let you set.
GP3_BASELINE_THROUGHPUT = 125
GP3_BASELINE_IOPS = 3000


def db_instance_init(self: rds_models.DBInstance, *args: Any, **kwargs: Any) -> None:
    """AWS reports StorageThroughput and Iops for every gp3 instance; moto leaves them out, and
    amazon.aws.rds_instance fails (KeyError) on the second run against an existing instance."""
    original(rds_models.DBInstance, "__init__")(self, *args, **kwargs)
    if self.storage_type == "gp3":
        if self.storage_throughput is None:
            self.storage_throughput = GP3_BASELINE_THROUGHPUT
        if self.iops is None:
            self.iops = GP3_BASELINE_IOPS


# The attributes AWS reports for a new application load balancer.
ALB_DEFAULT_ATTRIBUTES = {
    "access_logs.s3.enabled": "false",
    "client_keep_alive.seconds": "3600",
    "idle_timeout.timeout_seconds": "60",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http2.enabled": "true",
    "waf.fail_open.enabled": "false",
}


def load_balancer_init(self: elbv2_models.FakeLoadBalancer, *args: Any, **kwargs: Any) -> None:
    """AWS reports every attribute of an ALB; moto only those set, and amazon.aws.elb_application_lb
    fails (KeyError) comparing the ones it manages."""
    original(elbv2_models.FakeLoadBalancer, "__init__")(self, *args, **kwargs)
    if self.type == "application":
        self.attrs = {**ALB_DEFAULT_ATTRIBUTES, **self.attrs}


def function_init(
    self: lambda_models.LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kw: Any
) -> None:
    """AWS keeps a function's DeadLetterConfig and reports it; moto drops it, so
    amazon.aws.lambda updates it on every run and nobody can read it back."""
    original(lambda_models.LambdaFunction, "__init__")(self, account_id, spec, *args, **kw)
    self.dead_letter_config = spec.get("DeadLetterConfig") or {}


def function_configuration(self: lambda_models.LambdaFunction, *args: Any, **kwargs: Any) -> dict[str, Any]:
    config = original(lambda_models.LambdaFunction, "get_configuration")(self, *args, **kwargs)
    if getattr(self, "dead_letter_config", {}).get("TargetArn"):
        config["DeadLetterConfig"] = self.dead_letter_config
    return config


def function_update_configuration(self: lambda_models.LambdaFunction, updates: dict[str, Any]) -> dict[str, Any]:
    if "DeadLetterConfig" in updates:
        self.dead_letter_config = updates["DeadLetterConfig"] or {}
    return original(lambda_models.LambdaFunction, "update_configuration")(self, updates)


def accepting_key_arns(name: str) -> Any:
    """AWS takes a key ARN wherever it takes a key id; these moto methods only take the id
    (a 500 for amazon.aws.kms_key, which passes the ARN)."""

    def wrapper(self: kms_models.KmsBackend, key_id: str, *args: Any, **kwargs: Any) -> Any:
        return original(kms_models.KmsBackend, name)(self, self.any_id_to_key_id(key_id), *args, **kwargs)

    wrapper.__name__ = name
    return wrapper


# The engine defaults AWS lists for a MySQL parameter group that the roles set.
MYSQL_ENGINE_DEFAULTS = {
    "require_secure_transport": {
        "ParameterName": "require_secure_transport",
        "Description": "Whether client connections must use TLS.",
        "Source": "engine-default",
        "ApplyType": "dynamic",
        "DataType": "boolean",
        "AllowedValues": "0,1",
        "IsModifiable": True,
        "ApplyMethod": "pending-reboot",
    },
}


def parameter_group_init(self: rds_models.DBParameterGroup, *args: Any, **kwargs: Any) -> None:
    """AWS lists every engine parameter of a new group; moto lists none, and
    amazon.aws.rds_instance_param_group refuses to set a parameter it cannot see."""
    original(rds_models.DBParameterGroup, "__init__")(self, *args, **kwargs)
    if (self.family or "").startswith("mysql"):
        for name, default in MYSQL_ENGINE_DEFAULTS.items():
            self.parameters[name] = dict(default)


def cert_bundle_init(self: acm_models.CertBundle, *args: Any, **kwargs: Any) -> None:
    """ACM returns an imported certificate's chain as it was imported; moto appends a root CA of
    its own, so community.aws.acm_certificate sees another chain and imports again on every run."""
    original(acm_models.CertBundle, "__init__")(self, *args, **kwargs)
    chain = kwargs.get("chain", args[3] if len(args) > 3 else None)
    if chain:
        self.chain = chain


def lambda_endpoint_host() -> str:
    """moto hands a function http://host.docker.internal as the AWS endpoint (no setting changes
    it, and it overrides the function's own AWS_ENDPOINT_URL); this emulator speaks HTTPS only,
    as AWS does (the runtime's bootstrap maps the name to 127.0.0.1)."""
    return "https://host.docker.internal"


KMS_KEY_METHODS = ("schedule_key_deletion", "cancel_key_deletion", "enable_key", "disable_key")

# Each fix: the (target, attribute, replacement) it installs.
FIXES: dict[str, list[tuple[Any, str, Any]]] = {
    "rds-unknown-parameter-group": [
        (rds_models.RDSBackend, "describe_db_parameter_groups", describe_db_parameter_groups)
    ],
    "rds-engine-default-parameters": [(rds_models.DBParameterGroup, "__init__", parameter_group_init)],
    "rds-gp3-baseline": [(rds_models.DBInstance, "__init__", db_instance_init)],
    "iam-group-delete-conflict": [(iam_models.IAMBackend, "delete_group", delete_group)],
    "elbv2-alb-attributes": [(elbv2_models.FakeLoadBalancer, "__init__", load_balancer_init)],
    "lambda-dead-letter-config": [
        (lambda_models.LambdaFunction, "__init__", function_init),
        (lambda_models.LambdaFunction, "get_configuration", function_configuration),
        (lambda_models.LambdaFunction, "update_configuration", function_update_configuration),
    ],
    "lambda-https-endpoint": [(moto_settings, "moto_server_host", lambda_endpoint_host)],
    "kms-key-arns": [(kms_models.KmsBackend, name, accepting_key_arns(name)) for name in KMS_KEY_METHODS],
    "acm-imported-chain": [(acm_models.CertBundle, "__init__", cert_bundle_init)],
    **motoauth.FIXES,
    **motoroles.FIXES,
    **motoalb.FIXES,
    **motos3.FIXES,
    **motonotify.FIXES,
}


def apply_fixes() -> None:
    for patches in FIXES.values():
        for target, name, replacement in patches:
            patch(target, name, replacement)


def main(argv: list[str]) -> int:
    apply_fixes()
    metadata = motoroles.start_metadata_service()
    try:
        moto_main(argv)  # until SIGTERM or SIGINT, on which moto's handler exits
    finally:
        if metadata is not None:
            metadata.stop()
        left = motonotify.INVOCATIONS.join(NOTIFICATIONS_JOIN_S)
        if left:
            print(f"left {left} S3 notification(s) unfinished", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
