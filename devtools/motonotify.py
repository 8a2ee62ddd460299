"""The emulator's S3 event notifications behave as S3's: filter rules as AWS takes them, functions invoked afterwards.

FIXES names each fix and the moto attributes it replaces (devtools/motoserver.py
installs them). The functions S3 invokes run on threads of INVOCATIONS, which
the server joins on its way out.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import xmltodict
from moto.s3 import models as s3_models
from moto.s3 import notifications as s3_notifications
from moto.s3 import responses as s3_responses

from devtools.motopatch import original

# A stand-in for an empty filter value while moto parses the configuration (moto asserts a value).
EMPTY_VALUE = "photoshare-empty-filter-value"


def _filter_rules(node: Any) -> list[dict]:
    """Every FilterRule entry anywhere in a parsed notification configuration, in document order."""
    if isinstance(node, list):
        return [rule for item in node for rule in _filter_rules(item)]
    if not isinstance(node, dict):
        return []
    rules = node.get("FilterRule")
    own = rules if isinstance(rules, list) else [rules] if isinstance(rules, dict) else []
    return own + [rule for key, value in node.items() if key != "FilterRule" for rule in _filter_rules(value)]


def notification_config_from_body(self: s3_responses.S3Response) -> dict[str, Any]:
    """AWS takes filter rule names in any case, an empty value, and answers Prefix/Suffix; moto
    asserts lowercase names and non-empty values (a 500 for community.aws.s3_bucket_notification,
    which sends Prefix=<prefix> and Suffix=""). The body moto parses is rewritten through
    xmltodict, the parser moto reads it with, so only the rules' Name and Value change."""
    document = xmltodict.parse(self.body)
    given = []
    for rule in _filter_rules(document):
        given.append((str(rule.get("Name") or ""), rule.get("Value") or ""))
        rule["Name"] = given[-1][0].lower()
        rule["Value"] = given[-1][1] or EMPTY_VALUE
    self.body = xmltodict.unparse(document)
    config = original(s3_responses.S3Response, "_notification_config_from_body")(self)
    if not config:
        return config  # no notification at all; moto stores none
    for rule, (name, value) in zip(_filter_rules(config), given, strict=True):
        rule["Name"], rule["Value"] = name.capitalize(), value
    return config


def notification_key_matches(self: s3_models.Notification, key_name: str) -> bool:
    """A key matches a Prefix and a Suffix rule whatever the case of their names (moto looks
    for lowercase names only, and would match every key against the names AWS answers)."""
    if "S3Key" not in self.filters:
        return True
    rules = self.filters["S3Key"]["FilterRule"]
    wanted = {rule["Name"].lower(): rule["Value"] for rule in (rules if isinstance(rules, list) else [rules])}
    return key_name.startswith(wanted.get("prefix") or "") and key_name.endswith(wanted.get("suffix") or "")


class Invocations:
    """Functions invoked after the request that caused them, each on a thread of its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()

    def start(self, function: Callable[..., None], *args: Any) -> None:
        # A daemon thread, so that a function that never ends cannot hold the server up past join().
        thread = threading.Thread(target=self._run, args=(function, args), name="s3-notification", daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def _run(self, function: Callable[..., None], args: tuple) -> None:
        try:
            function(*args)
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())

    def running(self) -> int:
        with self._lock:
            return len(self._threads)

    def join(self, timeout: float) -> int:
        """Wait up to timeout seconds in all for the invocations under way; returns how many still run."""
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        if threads:
            print(f"waiting up to {timeout:.0f} s for {len(threads)} S3 notification(s)", file=sys.stderr)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return self.running()


INVOCATIONS = Invocations()


def invoke_awslambda_later(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
    """S3 invokes a bucket's function asynchronously, after the request that stored the object
    has answered; moto runs the function inside that request, so the writer never sees the
    object's processing state and its own work races the function differently than on AWS."""
    invoke = original(s3_notifications, "_invoke_awslambda")
    INVOCATIONS.start(invoke, account_id, event_body, fn_arn, region_name)


# Each fix: the (target, attribute, replacement) it installs.
FIXES: dict[str, list[tuple[Any, str, Any]]] = {
    "s3-notification-filter-rules": [
        (s3_responses.S3Response, "_notification_config_from_body", notification_config_from_body),
        (s3_models.Notification, "_key_matches", notification_key_matches),
    ],
    "s3-notification-invokes-later": [(s3_notifications, "_invoke_awslambda", invoke_awslambda_later)],
}
