"""Entry point of the local Lambda runtime image (photoshare-lambda-runtime:local).

moto runs `docker run IMAGE <module.function> <event-json>` with the function's
code in $LAMBDA_TASK_ROOT (/var/task). This calls the handler once with a small
context, prints the JSON result as the last line of stdout (moto takes that
line as the response) and exits non-zero if the handler raised (moto reports
a function error).

    python bootstrap.py handler.handler '{"Records": []}'
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import time
import traceback
import uuid
from collections.abc import MutableMapping

DOCKER_HOST_ALIAS = "host.docker.internal"
DEFAULT_TIMEOUT_SECONDS = 3  # Lambda's own default


class Context:
    """The part of Lambda's context object that functions use."""

    def __init__(self, environ: MutableMapping[str, str]) -> None:
        timeout = float(environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
        self._deadline = time.monotonic() + timeout
        self.function_name = environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
        self.memory_limit_in_mb = int(environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def prepare_environment(environ: MutableMapping[str, str]) -> None:
    # moto points the function at host.docker.internal, which host networking
    # does not resolve here; the emulator listens on the host's loopback.
    if endpoint := environ.get("AWS_ENDPOINT_URL"):
        environ["AWS_ENDPOINT_URL"] = endpoint.replace(DOCKER_HOST_ALIAS, "127.0.0.1")
    # As in AWS's runtime, where boto3 finds the region in AWS_DEFAULT_REGION.
    if "AWS_REGION" in environ:
        environ.setdefault("AWS_DEFAULT_REGION", environ["AWS_REGION"])


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    handler_name, event_json = argv
    prepare_environment(os.environ)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", "/var/task"))
    try:
        module_name, function_name = handler_name.rsplit(".", 1)
        function = getattr(importlib.import_module(module_name), function_name)
        result = function(json.loads(event_json), Context(os.environ))
    except Exception as err:  # whatever the function raised is the invocation's error
        traceback.print_exc()
        print(json.dumps({"errorType": type(err).__name__, "errorMessage": str(err)}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
