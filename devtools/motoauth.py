"""Every request to the emulator is authenticated and authorised, as AWS does it.

moto can check the Authorization header's SigV4 signature and the caller's
IAM policies, but only after INITIAL_NO_AUTH_ACTION_COUNT requests, and it
has no account root. These patches turn the checks on from the first request
and give the local cloud's own key pair (the operator's, which Ansible and the
tests use) the standing of the account's root user: signed, but not limited
by any policy. Every other caller (an IAM user, a role's session) gets what its
policies allow. A request signed in its query string (a presigned URL) was
verified by devtools/motoserver.py and is authorised here as its signer; a
request signed neither way is refused, as AWS refuses an anonymous one.

FIXES names each fix and the moto attributes it replaces (devtools/motoserver.py
installs them through devtools/motopatch.py).
"""

from __future__ import annotations

import json
import os
import re
import threading
from typing import Any
from urllib.parse import parse_qs, urlparse

import xmltodict
from botocore.credentials import Credentials
from moto.core import authorization as moto_authorization
from moto.core.exceptions import AccessDeniedError
from moto.iam import access_control as iam_access_control
from moto.iam import exceptions as iam_exceptions
from moto.s3 import responses as s3_responses
from moto.s3.exceptions import S3AccessDeniedError
from moto.secretsmanager import models as secretsmanager_models
from moto.secretsmanager import responses as secretsmanager_responses

from devtools.motopatch import original

# The local cloud's own key pair (devtools/localcloud.py's moto_environment()); testing/testing by default.
ACCESS_KEY_VARIABLE = "PHOTOSHARE_MOTO_ACCESS_KEY_ID"
SECRET_KEY_VARIABLE = "PHOTOSHARE_MOTO_SECRET_ACCESS_KEY"  # noqa: S105 - a variable's name
ROOT_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})

# Whether the presigned request this thread answers had its query signature verified.
query_signature = threading.local()


def operator_key_pair() -> tuple[str, str]:
    return os.environ.get(ACCESS_KEY_VARIABLE, "testing"), os.environ.get(SECRET_KEY_VARIABLE, "testing")


class AccountRootKey:
    """The operator's key pair acts as the account's root user: IAM policies do not limit it."""

    def __init__(self, account_id: str, partition: str, access_key_id: str, secret_access_key: str) -> None:
        self.arn = f"arn:{partition}:iam::{account_id}:root"
        self._credentials = Credentials(access_key_id, secret_access_key)

    def create_credentials(self) -> Credentials:
        return self._credentials

    def collect_policies(self) -> list[str]:
        return [ROOT_POLICY]


def create_access_key(account_id: str, partition: str, access_key_id: str, headers: dict[str, str]) -> Any:
    """AWS knows the account's root keys; moto knows only IAM users' and sessions' keys, so the
    operator's key pair would be refused (InvalidClientTokenId) once every request is checked."""
    operator_id, operator_secret = operator_key_pair()
    if access_key_id == operator_id:
        return AccountRootKey(account_id, partition, access_key_id, operator_secret)
    create = original(iam_access_control, "create_access_key")
    return create(account_id=account_id, partition=partition, access_key_id=access_key_id, headers=headers)


def _query_value(query: str, name: str) -> str | None:
    values = parse_qs(query).get(name)
    return values[0] if values else None


def authenticate_and_authorize(self: Any, iam_request_cls: type, resource: str = "*") -> None:
    """AWS checks every request; moto checks none before INITIAL_NO_AUTH_ACTION_COUNT requests (by
    default, ever), and then cannot check one signed in its query string or not signed at all."""
    if self.headers.get("X-Amz-Target") in moto_authorization.ActionAuthenticatorMixin.PUBLIC_OPERATIONS:
        return
    headers = dict(self.headers)
    query = urlparse(self.uri).query
    presigned = "Authorization" not in headers and _query_value(query, "X-Amz-Credential")
    is_s3 = iam_request_cls is iam_access_control.S3IAMRequest
    if presigned and is_s3 and getattr(query_signature, "verified", False):
        # The signature was checked against the whole URL; only the signer's policies are left.
        headers["Authorization"] = f"AWS4-HMAC-SHA256 Credential={presigned}, SignedHeaders=host, Signature=-"
        token = _query_value(query, "X-Amz-Security-Token")
        if token:
            headers["X-Amz-Security-Token"] = token
    elif "Authorization" not in headers:
        if is_s3:
            raise S3AccessDeniedError()
        raise AccessDeniedError(user_arn="anonymous", action=self._get_action())
    path = f"{self.raw_path}?{query}" if query else self.raw_path
    iam_request = iam_request_cls(
        account_id=self.current_account,
        method=self.method,
        path=path,
        # Without a body moto signs its `data`: the form of a query API's POST, but for a REST
        # API's GET a dict of the query or the headers, where the client signed an empty payload.
        data=self.data if self.raw_body or self.form_data else {},
        body=self.raw_body,
        headers=headers,
        action=self._get_action(),
    )
    if not presigned:
        iam_request.check_signature()
    iam_request.check_action_permitted(resource)


def secret_resource(self: secretsmanager_responses.SecretsManagerResponse) -> str:
    """The secret's ARN, which policies name; moto checks every Secrets Manager call against "*",
    which a policy scoped to one secret never matches."""
    secret_id = json.loads(self.body or "{}").get("SecretId")
    if not secret_id:
        return "*"
    backend = secretsmanager_models.secretsmanager_backends[self.current_account][self.region]
    if secret_id in backend.secrets:
        return backend.secrets[secret_id].arn
    if secret_id.startswith("arn:"):
        return secret_id
    return f"arn:aws:secretsmanager:{self.region}:{self.current_account}:secret:{secret_id}"


def statement_principal_matches(self: iam_access_control.IAMPolicyStatement, principal: str) -> bool:
    """A statement names its principals under AWS, Service or Federated; moto reads AWS only and
    fails (500) on a trust policy that names a service, where AWS refuses the caller."""
    expected = self._statement.get("Principal")
    if not expected or expected == "*":
        return True
    names = expected.get("AWS", []) if isinstance(expected, dict) else []
    names = [names] if isinstance(names, str) else names
    return "*" in names or principal in names


def wildcard_match(pattern: str, string: str) -> re.Match[str] | None:
    """IAM's wildcards: * is any run of characters, ? exactly one, and nothing else is special.
    moto turns only * into .* and hands the rest to re, so the recommended secret pattern
    name-?????? raises (multiple repeat) and a dot matches any character."""
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.match(f"^{regex}$", string, re.DOTALL)


def authorize_s3_action(
    self: s3_responses.S3Response, bucket_name: str | None = None, key_name: str | None = None
) -> None:
    """DeleteObjects needs s3:DeleteObject on each key it names. moto checks the caller against
    the bucket's ARN, which a policy granting deletes under a prefix never matches, and then
    lists every key as refused. Here each key is checked; if one is refused, moto lists them
    all (AWS lists that one: either way the caller sees a failed delete)."""
    authorize = original(s3_responses.S3Response, "_authenticate_and_authorize_s3_action")
    if key_name is None and bucket_name and self.data.get("Action") == "DeleteObject" and self.is_delete_keys():
        objects = xmltodict.parse(self.body)["Delete"].get("Object", [])
        for key in [item["Key"] for item in (objects if isinstance(objects, list) else [objects])] or [""]:
            authorize(self, bucket_name=bucket_name, key_name=key)
        return
    authorize(self, bucket_name=bucket_name, key_name=key_name)


def assuming_role_operation(self: iam_access_control.IAMRequestBase, resource_arn: str) -> bool:
    """Assuming a role runs its trust policy. moto skips that when the role does not exist and
    hands out a session anyway; AWS refuses it."""
    if self._action != "sts:AssumeRole" or ":role/" not in resource_arn:
        return False
    try:
        self.backend.get_role_by_arn(resource_arn)
    except iam_exceptions.NotFoundException:
        self._raise_access_denied()
    return True


def head_bucket_as_list_bucket(action_map: dict[str, Any]) -> dict[str, Any]:
    """AWS authorises HeadBucket as s3:ListBucket (there is no s3:HeadBucket action); moto checks
    s3:HeadBucket, which no policy grants. A copy of moto's ACTION_MAP with that one entry changed."""
    head = {**action_map["BUCKET"]["HEAD"], "DEFAULT": "ListBucket"}
    return {**action_map, "BUCKET": {**action_map["BUCKET"], "HEAD": head}}


# Each fix: the (target, attribute, replacement) it installs.
FIXES: dict[str, list[tuple[Any, str, Any]]] = {
    "auth-operator-is-account-root": [(iam_access_control, "create_access_key", create_access_key)],
    "auth-every-request": [
        (moto_authorization.ActionAuthenticatorMixin, "_authenticate_and_authorize_action", authenticate_and_authorize)
    ],
    "secretsmanager-secret-arns": [
        (secretsmanager_responses.SecretsManagerResponse, "_determine_resource", secret_resource)
    ],
    "iam-service-principals": [
        (iam_access_control.IAMPolicyStatement, "_check_principal", statement_principal_matches)
    ],
    "iam-wildcards": [(iam_access_control.IAMPolicyStatement, "_match", staticmethod(wildcard_match))],
    "sts-missing-role-not-assumed": [
        (iam_access_control.IAMRequestBase, "_is_assuming_role_operation", assuming_role_operation)
    ],
    "s3-head-bucket-as-list-bucket": [
        (s3_responses, "ACTION_MAP", head_bucket_as_list_bucket(s3_responses.ACTION_MAP))
    ],
    "s3-delete-objects-per-key": [
        (s3_responses.S3Response, "_authenticate_and_authorize_s3_action", authorize_s3_action)
    ],
}
