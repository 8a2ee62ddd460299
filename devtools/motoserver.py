"""moto server with the fixes that make it answer as AWS does where PhotoShare's roles rely on it.

    python -m devtools.motoserver -H 127.0.0.1 -p 5000

takes moto_server's arguments. Each fix is a small patch with the AWS
behaviour it restores; moto's own code is not modified.
"""

from __future__ import annotations

import hmac
import sys
import threading
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto import settings as moto_settings
from moto.acm import models as acm_models
from moto.awslambda import models as lambda_models
from moto.core.utils import utcnow
from moto.elbv2 import models as elbv2_models
from moto.iam import access_control as iam_access_control
from moto.iam import models as iam_models
from moto.iam.exceptions import DeleteConflictException
from moto.kms import models as kms_models
from moto.rds import models as rds_models
from moto.rds.exceptions import DBParameterGroupNotFoundError
from moto.s3 import exceptions as s3_exceptions
from moto.s3 import models as s3_models
from moto.s3 import notifications as s3_notifications
from moto.s3 import responses as s3_responses
from moto.server import main as moto_main

from devtools import motoalb, motoauth, motoroles

_describe_db_parameter_groups = rds_models.RDSBackend.describe_db_parameter_groups


def describe_db_parameter_groups(self: rds_models.RDSBackend, kwargs: dict[str, Any]) -> list:
    """AWS answers DBParameterGroupNotFound for an unknown name; moto answers an empty list,
    on which amazon.aws.rds_instance_param_group fails (IndexError) instead of creating the group."""
    name = kwargs.get("db_parameter_group_name")
    if name and name not in self.db_parameter_groups:
        raise DBParameterGroupNotFoundError(name)
    return _describe_db_parameter_groups(self, kwargs)


def delete_group(self: iam_models.IAMBackend, group_name: str) -> None:
    """IAM refuses DeleteGroup with DeleteConflict while the group has members, inline policies
    or attached managed policies; moto deletes it, so a teardown that forgets one passes here."""
    group = self.get_group(group_name)
    if group.users:
        raise DeleteConflictException("Cannot delete entity, must remove users from group first.")
    if group.policies:
        raise DeleteConflictException("Cannot delete entity, must delete policies first.")
    if group.managed_policies:
        raise DeleteConflictException("Cannot delete entity, must detach all policies first.")
    del self.groups[group_name]


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


PRESIGNED_METHODS = ("GET", "HEAD", "PUT", "DELETE")
QUERY_AUTH_PARAMETERS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders")
MAX_PRESIGNED_EXPIRES = 7 * 24 * 3600


def secret_key_for(access_key_id: str) -> str | None:
    """The secret of a key S3 would know: the local cloud's pair, an active
    IAM user key or an STS AssumeRole key (moto keeps both in each IAM backend's access_keys)."""
    operator_id, operator_secret = motoauth.operator_key_pair()
    if access_key_id == operator_id:
        return operator_secret
    for account in list(iam_models.iam_backends.values()):
        for backend in list(account.values()):
            key = backend.access_keys.get(access_key_id)
            if key is not None and key.status == "Active":
                return key.secret_access_key
    return None


def query_parameters(query_string: bytes) -> list[tuple[str, str]]:
    """The query's (name, value) pairs, percent-decoded; a '+' stays a '+' as in SigV4."""
    pairs = [pair.partition("=") for pair in query_string.decode("latin-1").split("&") if pair]
    return [(unquote(name), unquote(value)) for name, _, value in pairs]


def query_auth_error(message: str) -> s3_exceptions.S3ClientError:
    return s3_exceptions.S3ClientError("AuthorizationQueryParametersError", message)


def check_presigned_request(request: Any) -> None:
    """Authenticate a request signed in its query string (SigV4, a presigned URL) as S3 does.

    The canonical request is built and signed by botocore's own presigned-URL signer
    (S3SigV4QueryAuth: UNSIGNED-PAYLOAD, S3's unnormalised path, RFC 3986 query), so
    the server cannot drift from the way boto3 signs."""
    params = query_parameters(request.query_string)
    given = dict(params)
    if "Signature" in given and "AWSAccessKeyId" in given:
        # Regions opened since 2014, and every bucket since 2020, refuse Signature Version 2.
        raise s3_exceptions.S3ClientError(
            "InvalidRequest",
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
        )
    if "X-Amz-Signature" not in given:
        return
    if any(name not in given for name in QUERY_AUTH_PARAMETERS):
        raise query_auth_error(
            "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
            "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
        )
    if given["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
        raise query_auth_error('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
    try:
        signed_at = datetime.strptime(given["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
        expires = int(given["X-Amz-Expires"])
    except ValueError:
        raise query_auth_error("X-Amz-Date must be in the ISO8601 Long Format and X-Amz-Expires a number") from None
    if not 0 <= expires <= MAX_PRESIGNED_EXPIRES:
        raise query_auth_error("X-Amz-Expires must be less than a week (in seconds) that is 604800")
    credential = given["X-Amz-Credential"].split("/")
    if len(credential) != 5 or credential[4] != "aws4_request":
        raise query_auth_error("Error parsing the X-Amz-Credential parameter")
    if utcnow() > signed_at + timedelta(seconds=expires):
        raise s3_exceptions.S3ClientError("AccessDenied", "Request has expired")
    access_key_id, _, region, service, _ = credential
    secret_key = secret_key_for(access_key_id)
    if secret_key is None:
        raise s3_exceptions.S3InvalidAccessKeyIdError()

    signer = S3SigV4QueryAuth(Credentials(access_key_id, secret_key), service, region)
    signed_names = given["X-Amz-SignedHeaders"].lower().split(";")
    headers = {name: request.headers[name] for name in signed_names if name in request.headers}
    unsigned = [(name, value) for name, value in params if name != "X-Amz-Signature"]
    wanted = given["X-Amz-Signature"].encode("utf-8", "replace")
    # The path as it arrived and the same path encoded as botocore encodes a key, so a client
    # that escapes a few characters differently (a browser, curl) still verifies.
    for path in dict.fromkeys([request.raw_path, quote(unquote(request.raw_path), safe="/~")]):
        canonical = AWSRequest(
            method=request.method, url=f"{request.scheme}://{request.host}{path}", headers=headers, params=unsigned
        )
        canonical.context["timestamp"] = given["X-Amz-Date"]
        string_to_sign = signer.string_to_sign(canonical, signer.canonical_request(canonical))
        if hmac.compare_digest(signer.signature(string_to_sign, canonical).encode(), wanted):
            motoauth.query_signature.verified = True
            return
    raise s3_exceptions.S3SignatureDoesNotMatchError()


_key_response = s3_responses.S3Response._key_response


def key_response(self: s3_responses.S3Response, request: Any, full_url: str) -> Any:
    """S3 authenticates a presigned URL: the signature over method, path, query and signed
    headers, the key that signed it, and X-Amz-Date + X-Amz-Expires. moto checks none of
    them, so a URL for another key, with any signature, or long expired still works."""
    if request.method in PRESIGNED_METHODS:
        check_presigned_request(request)
    return _key_response(self, request, full_url)


# How the S3 request being answered on this thread arrived (moto serves each on its own thread).
_s3_request = threading.local()
_s3_setup_class = s3_responses.S3Response.setup_class


def s3_setup_class(self: s3_responses.S3Response, request: Any, *args: Any, **kwargs: Any) -> None:
    """Notes, for bucket_get_permission, whether this S3 request came over TLS."""
    _s3_request.secure_transport = "true" if request.scheme == "https" else "false"
    motoauth.query_signature.verified = False
    _s3_setup_class(self, request, *args, **kwargs)


def bucket_get_permission(self: s3_models.FakeBucket, action: str, resource: str) -> Any:
    """A bucket policy sees aws:SecureTransport, true over HTTPS and false over HTTP. moto passes
    no condition values, so a TLS-only Deny (Bool aws:SecureTransport false) matched every
    request, over HTTPS too."""
    if self.policy is None:
        return iam_access_control.PermissionResult.NEUTRAL
    secure_transport = getattr(_s3_request, "secure_transport", None)
    values = {"aws:SecureTransport": secure_transport} if secure_transport else None
    policy = iam_access_control.IAMPolicy(self.policy.decode())
    return policy.is_action_permitted(action, resource, incoming_condition_values=values)


CONDITION_TESTS = {
    "StringEquals": lambda expected, actual: actual in expected,
    "Bool": lambda expected, actual: actual.lower() in {value.lower() for value in expected},
}


def statement_conditions_hold(self: iam_access_control.IAMPolicyStatement, incoming: dict[str, str] | None) -> bool:
    """AWS evaluates Bool conditions and matches condition keys in any case; moto knows only
    StringEquals (and pairs the values by position). As before, a key moto has no value
    for, or an operator not listed here, counts as matched."""
    known = {key.lower(): value for key, value in (incoming or {}).items()}
    for operator, conditions in (self._statement.get("Condition") or {}).items():
        test = CONDITION_TESTS.get(operator)
        for key, expected in conditions.items() if test else ():
            if key.lower() in known:
                values = [str(value) for value in (expected if isinstance(expected, list) else [expected])]
                if not test(values, known[key.lower()]):
                    return False
    return True


_statement_is_action_permitted = iam_access_control.IAMPolicyStatement.is_action_permitted


def statement_is_action_permitted(
    self: iam_access_control.IAMPolicyStatement,
    action: str,
    resource: str = "*",
    principal: str | None = None,
    incoming_condition_values: dict[str, str] | None = None,
) -> Any:
    """On AWS a statement whose condition does not hold does not apply; moto answers DENIED for
    it, whatever its Effect, so a TLS-only Deny would deny HTTPS as soon as it is evaluated."""
    if not self._check_conditions(incoming_condition_values):
        return iam_access_control.PermissionResult.NEUTRAL
    return _statement_is_action_permitted(self, action, resource, principal, incoming_condition_values)


_cert_bundle_init = acm_models.CertBundle.__init__


def cert_bundle_init(self: acm_models.CertBundle, *args: Any, **kwargs: Any) -> None:
    """ACM returns an imported certificate's chain as it was imported; moto appends a root CA of
    its own, so community.aws.acm_certificate sees another chain and imports again on every run."""
    _cert_bundle_init(self, *args, **kwargs)
    chain = kwargs.get("chain", args[3] if len(args) > 3 else None)
    if chain:
        self.chain = chain


def lambda_endpoint_host() -> str:
    """moto hands a function http://host.docker.internal as the AWS endpoint; this emulator
    speaks HTTPS only, as AWS does (the runtime's bootstrap maps the name to 127.0.0.1)."""
    return "https://host.docker.internal"


def apply_fixes() -> None:
    motoauth.apply_fixes()
    motoroles.apply_fixes()
    motoalb.apply_fixes()
    moto_settings.moto_server_host = lambda_endpoint_host
    acm_models.CertBundle.__init__ = cert_bundle_init
    s3_responses.S3Response._key_response = key_response
    s3_responses.S3Response.setup_class = s3_setup_class
    s3_models.FakeBucket.get_permission = bucket_get_permission
    iam_access_control.IAMPolicyStatement._check_conditions = statement_conditions_hold
    iam_access_control.IAMPolicyStatement.is_action_permitted = statement_is_action_permitted
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
    iam_models.IAMBackend.delete_group = delete_group


if __name__ == "__main__":
    apply_fixes()
    sys.exit(moto_main(sys.argv[1:]))
