"""moto server with the fixes that make it answer as AWS does where PhotoShare's roles rely on it.

    python -m devtools.motoserver -H 127.0.0.1 -p 5000

takes moto_server's arguments. Each fix is a small patch with the AWS
behaviour it restores; moto's own code is not modified.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from moto.awslambda import models as lambda_models
from moto.elbv2 import models as elbv2_models
from moto.kms import models as kms_models
from moto.rds import models as rds_models
from moto.rds.exceptions import DBParameterGroupNotFoundError
from moto.s3 import models as s3_models
from moto.s3 import notifications as s3_notifications
from moto.s3 import responses as s3_responses
from moto.server import main as moto_main

_describe_db_parameter_groups = rds_models.RDSBackend.describe_db_parameter_groups


def describe_db_parameter_groups(self: rds_models.RDSBackend, kwargs: dict[str, Any]) -> list:
    """AWS answers DBParameterGroupNotFound for an unknown name; moto answers an empty list,
    on which amazon.aws.rds_instance_param_group fails (IndexError) instead of creating the group."""
    name = kwargs.get("db_parameter_group_name")
    if name and name not in self.db_parameter_groups:
        raise DBParameterGroupNotFoundError(name)
    return _describe_db_parameter_groups(self, kwargs)


_db_instance_init = rds_models.DBInstance.__init__

# AWS's gp3 baseline below 400 GiB, which it reports and does not let you set.
GP3_BASELINE_THROUGHPUT = 125
GP3_BASELINE_IOPS = 3000


def db_instance_init(self: rds_models.DBInstance, *args: Any, **kwargs: Any) -> None:
    """AWS reports StorageThroughput and Iops for every gp3 instance; moto leaves them out, and
    amazon.aws.rds_instance fails (KeyError) on the second run against an existing instance."""
    _db_instance_init(self, *args, **kwargs)
    if self.storage_type == "gp3":
        if self.storage_throughput is None:
            self.storage_throughput = GP3_BASELINE_THROUGHPUT
        if self.iops is None:
            self.iops = GP3_BASELINE_IOPS


_load_balancer_init = elbv2_models.FakeLoadBalancer.__init__

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
    _load_balancer_init(self, *args, **kwargs)
    if self.type == "application":
        self.attrs = {**ALB_DEFAULT_ATTRIBUTES, **self.attrs}


_notification_config_from_body = s3_responses.S3Response._notification_config_from_body


def _filter_rules(node: Any) -> list[dict]:
    """Every FilterRule entry anywhere in a parsed notification configuration."""
    if isinstance(node, list):
        return [rule for item in node for rule in _filter_rules(item)]
    if not isinstance(node, dict):
        return []
    rules = node.get("FilterRule")
    own = rules if isinstance(rules, list) else [rules] if isinstance(rules, dict) else []
    return own + [rule for key, value in node.items() if key != "FilterRule" for rule in _filter_rules(value)]


EMPTY_VALUE = "photoshare-empty-filter-value"


def notification_config_from_body(self: s3_responses.S3Response) -> dict[str, Any]:
    """AWS takes filter rule names in any case, an empty value, and answers Prefix/Suffix; moto
    asserts lowercase names and non-empty values (a 500 for community.aws.s3_bucket_notification,
    which sends Prefix=<prefix> and Suffix="")."""
    body = self.body.decode() if isinstance(self.body, bytes) else self.body
    for name in ("Prefix", "Suffix"):
        body = body.replace(f"<Name>{name}</Name>", f"<Name>{name.lower()}</Name>")
    for empty in ("<Value></Value>", "<Value/>", "<Value />"):
        body = body.replace(empty, f"<Value>{EMPTY_VALUE}</Value>")
    self.body = body
    config = _notification_config_from_body(self)
    for rule in _filter_rules(config):
        rule["Name"] = rule["Name"].capitalize()
        if rule["Value"] == EMPTY_VALUE:
            rule["Value"] = ""
    return config


def notification_key_matches(self: s3_models.Notification, key_name: str) -> bool:
    if "S3Key" not in self.filters:
        return True
    rules = self.filters["S3Key"]["FilterRule"]
    wanted = {rule["Name"].lower(): rule["Value"] for rule in (rules if isinstance(rules, list) else [rules])}
    return key_name.startswith(wanted.get("prefix") or "") and key_name.endswith(wanted.get("suffix") or "")


_function_init = lambda_models.LambdaFunction.__init__
_function_configuration = lambda_models.LambdaFunction.get_configuration
_function_update_configuration = lambda_models.LambdaFunction.update_configuration


def function_init(
    self: lambda_models.LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kw: Any
) -> None:
    """AWS keeps a function's DeadLetterConfig and reports it; moto drops it, so
    amazon.aws.lambda updates it on every run and nobody can read it back."""
    _function_init(self, account_id, spec, *args, **kw)
    self.dead_letter_config = spec.get("DeadLetterConfig") or {}


def function_configuration(self: lambda_models.LambdaFunction, *args: Any, **kwargs: Any) -> dict[str, Any]:
    config = _function_configuration(self, *args, **kwargs)
    if getattr(self, "dead_letter_config", {}).get("TargetArn"):
        config["DeadLetterConfig"] = self.dead_letter_config
    return config


def function_update_configuration(self: lambda_models.LambdaFunction, updates: dict[str, Any]) -> dict[str, Any]:
    if "DeadLetterConfig" in updates:
        self.dead_letter_config = updates["DeadLetterConfig"] or {}
    return _function_update_configuration(self, updates)


def accepting_key_arns(method: Any) -> Any:
    """AWS takes a key ARN wherever it takes a key id; these moto methods only take the id
    (a 500 for amazon.aws.kms_key, which passes the ARN)."""

    def wrapper(self: kms_models.KmsBackend, key_id: str, *args: Any, **kwargs: Any) -> Any:
        return method(self, self.any_id_to_key_id(key_id), *args, **kwargs)

    return wrapper


_parameter_group_init = rds_models.DBParameterGroup.__init__

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
    _parameter_group_init(self, *args, **kwargs)
    if (self.family or "").startswith("mysql"):
        for name, default in MYSQL_ENGINE_DEFAULTS.items():
            self.parameters[name] = dict(default)


_invoke_awslambda = s3_notifications._invoke_awslambda


def invoke_awslambda_later(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
    """S3 invokes a bucket's function asynchronously, after the request that stored the object
    has answered; moto runs the function inside that request, so the writer never sees the
    object's processing state and its own work races the function differently than on AWS."""
    threading.Thread(target=_invoke_awslambda, args=(account_id, event_body, fn_arn, region_name), daemon=True).start()


def apply_fixes() -> None:
    s3_notifications._invoke_awslambda = invoke_awslambda_later
    rds_models.DBParameterGroup.__init__ = parameter_group_init
    for name in ("schedule_key_deletion", "cancel_key_deletion", "enable_key", "disable_key"):
        setattr(kms_models.KmsBackend, name, accepting_key_arns(getattr(kms_models.KmsBackend, name)))
    lambda_models.LambdaFunction.__init__ = function_init
    lambda_models.LambdaFunction.get_configuration = function_configuration
    lambda_models.LambdaFunction.update_configuration = function_update_configuration
    s3_responses.S3Response._notification_config_from_body = notification_config_from_body
    s3_models.Notification._key_matches = notification_key_matches
    elbv2_models.FakeLoadBalancer.__init__ = load_balancer_init
    rds_models.RDSBackend.describe_db_parameter_groups = describe_db_parameter_groups
    rds_models.DBInstance.__init__ = db_instance_init


if __name__ == "__main__":
    apply_fixes()
    sys.exit(moto_main(sys.argv[1:]))
