"""schemathesis against /api/v1/openapi.json on a real hypercorn: for every operation, generated
requests (valid and invalid) must get no 5xx, only documented statuses and content types, and
bodies that match the documented schemas. Bounded and derandomized, so it is the same on every run."""

import httpx
import pytest
import sample_images
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from servers import AppServer, app_environment, http_visitor

EXAMPLES_PER_OPERATION = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def server(settings, tmp_path, clean_database, empty_bucket):
    running = AppServer(app_environment(settings), tmp_path / "app.log")
    yield running
    running.stop()


def seeded_token(server) -> str:
    """A write token of a user with a photo, an album with it, a comment and a share link."""
    alice = http_visitor(server, "alice")
    photo = alice.post("/api/v1/photos", files={"file": ("a.jpg", sample_images.jpeg(), "image/jpeg")}).json()["id"]
    album = alice.post("/api/v1/albums", json={"title": "Seed"}).json()["id"]
    alice.put(f"/api/v1/albums/{album}/photos/{photo}").raise_for_status()
    alice.post(f"/api/v1/photos/{photo}/comments", json={"body": "first"}).raise_for_status()
    alice.post("/api/v1/shares", json={"album_id": album}).raise_for_status()
    return alice.post("/api/v1/tokens", json={"name": "schemathesis", "scope": "write"}).json()["token"]


def run_operation(operation, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

    check()


def test_the_api_keeps_to_its_openapi_document(server):
    headers = {"Authorization": f"Bearer {seeded_token(server)}"}
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    schema.config.update(base_url=server.url)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                run_operation(operation, mode, headers)
            except (Exception, BaseExceptionGroup) as err:  # every operation runs; all failures are reported together
                failures.append(f"{operation.label} ({mode.value}): {err}")
    assert not failures, "\n\n".join(failures)
    assert httpx.get(f"{server.url}/healthz").status_code == 200
    assert "unhandled_exception" not in server.log_path.read_text()
