"""The emulator's S3 checks requests as S3 does: presigned URLs, and aws:SecureTransport in bucket policies.

FIXES names each fix and the moto attributes it replaces (devtools/motoserver.py
installs them); tests/localcloud/test_moto_s3_checks.py tests each one.
"""

from __future__ import annotations

import hmac
import threading
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto.core.utils import utcnow
from moto.iam import access_control as iam_access_control
from moto.iam import models as iam_models
from moto.s3 import exceptions as s3_exceptions
from moto.s3 import models as s3_models
from moto.s3 import responses as s3_responses

from devtools import motoauth
from devtools.motopatch import original

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


def key_response(self: s3_responses.S3Response, request: Any, full_url: str) -> Any:
    """S3 authenticates a presigned URL: the signature over method, path, query and signed
    headers, the key that signed it, and X-Amz-Date + X-Amz-Expires. moto checks none of
    them, so a URL for another key, with any signature, or long expired still works."""
    if request.method in PRESIGNED_METHODS:
        check_presigned_request(request)
    return original(s3_responses.S3Response, "_key_response")(self, request, full_url)


# How the S3 request being answered on this thread arrived (moto serves each on its own thread).
_s3_request = threading.local()


def s3_setup_class(self: s3_responses.S3Response, request: Any, *args: Any, **kwargs: Any) -> None:
    """Notes, for bucket_get_permission, whether this S3 request came over TLS, and that its
    query signature (if any) is not verified yet."""
    _s3_request.secure_transport = "true" if request.scheme == "https" else "false"
    motoauth.query_signature.verified = False
    original(s3_responses.S3Response, "setup_class")(self, request, *args, **kwargs)


def bucket_get_permission(self: s3_models.FakeBucket, action: str, resource: str) -> Any:
    """A bucket policy sees aws:SecureTransport, true over HTTPS and false over HTTP. moto passes
    no condition values (its get_permission takes none to pass on), so a TLS-only Deny
    (Bool aws:SecureTransport false) matched every request, over HTTPS too."""
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
    is_action_permitted = original(iam_access_control.IAMPolicyStatement, "is_action_permitted")
    return is_action_permitted(self, action, resource, principal, incoming_condition_values)


# Each fix: the (target, attribute, replacement) it installs.
FIXES: dict[str, list[tuple[Any, str, Any]]] = {
    "s3-presigned-urls": [(s3_responses.S3Response, "_key_response", key_response)],
    "s3-secure-transport": [
        (s3_responses.S3Response, "setup_class", s3_setup_class),
        (s3_models.FakeBucket, "get_permission", bucket_get_permission),
    ],
    "iam-bool-conditions": [(iam_access_control.IAMPolicyStatement, "_check_conditions", statement_conditions_hold)],
    "iam-unmet-condition-is-neutral": [
        (iam_access_control.IAMPolicyStatement, "is_action_permitted", statement_is_action_permitted)
    ],
}
