"""moto server with the fixes that make it answer as AWS does where PhotoShare's roles rely on it.

    python -m devtools.motoserver -H 127.0.0.1 -p 5000

takes moto_server's arguments. Each fix is a small patch with the AWS
behaviour it restores; moto's own code is not modified.
"""

from __future__ import annotations

import sys
from typing import Any

from moto.rds import models as rds_models
from moto.rds.exceptions import DBParameterGroupNotFoundError
from moto.server import main as moto_main

_describe_db_parameter_groups = rds_models.RDSBackend.describe_db_parameter_groups


def describe_db_parameter_groups(self: rds_models.RDSBackend, kwargs: dict[str, Any]) -> list:
    """AWS answers DBParameterGroupNotFound for an unknown name; moto answers an empty list,
    on which amazon.aws.rds_instance_param_group fails (IndexError) instead of creating the group."""
    name = kwargs.get("db_parameter_group_name")
    if name and name not in self.db_parameter_groups:
        raise DBParameterGroupNotFoundError(name)
    return _describe_db_parameter_groups(self, kwargs)


def apply_fixes() -> None:
    rds_models.RDSBackend.describe_db_parameter_groups = describe_db_parameter_groups


if __name__ == "__main__":
    apply_fixes()
    sys.exit(moto_main(sys.argv[1:]))
