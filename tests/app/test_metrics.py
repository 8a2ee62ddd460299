"""/metrics: who may read it, what it counts, and that it adds up every hypercorn worker."""

import hashlib
from pathlib import Path

import httpx
import psutil
import pytest
from app_client import Visitor
from prometheus_client.parser import text_string_to_metric_families
from reports import encode, report_for, signed_headers
from servers import AppServer, app_environment
from social_helpers import upload
from stored_state import scalar

from photoshare.app import create_app
from photoshare.metrics.views import may_scrape

TOKEN = "scrape-me-please-0123456789abcdef"


def samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.parametrize(
    ("networks", "client", "authorization", "allowed"),
    [
        (("127.0.0.0/8", "::1/128"), "127.0.0.1", None, True),
        (("127.0.0.0/8", "::1/128"), "::1", None, True),
        (("127.0.0.0/8", "::1/128"), "::ffff:127.0.0.1", None, True),
        (("127.0.0.0/8", "::1/128"), "10.0.3.7", None, False),
        (("10.0.0.0/16",), "10.0.3.7", None, True),
        ((), "127.0.0.1", None, False),
        ((), "203.0.113.9", f"Bearer {TOKEN}", True),
        ((), "203.0.113.9", "Bearer wrong", False),
        ((), "", None, False),
    ],
)
def test_only_allowed_networks_or_the_token_may_scrape(settings, networks, client, authorization, allowed):
    configured = settings.model_copy(
        update={
            "metrics_allowed_networks": networks,
            "metrics_token_sha256": hashlib.sha256(TOKEN.encode()).hexdigest(),
        }
    )
    assert may_scrape(configured, client, authorization) is allowed


async def test_metrics_count_requests_uploads_rejections_webhooks_and_the_pool(
    settings, clean_database, empty_bucket, app_secrets
):
    configured = settings.model_copy(update={"metrics_token_sha256": hashlib.sha256(TOKEN.encode()).hexdigest()})
    async with create_app(configured).test_app() as test_app:
        alice = Visitor(test_app.test_client())
        scrape = {"Authorization": f"Bearer {TOKEN}"}
        refused = await alice.get("/metrics", headers={"Accept": "application/json"})
        assert (refused.status, refused.error_code) == (403, "metrics_forbidden")
        before = samples((await alice.get("/metrics", headers=scrape)).text)
        await alice.register("alice")
        photo_id = await upload(alice)
        size = scalar(clean_database, "SELECT size_bytes FROM photos")
        assert (await alice.upload(b"not an image at all", "x.jpg")).status == 415
        for _ in range(3):
            await alice.get(f"/api/v1/photos/{photo_id}")
        await alice.get("/no/such/page")
        key = scalar(clean_database, "SELECT object_key FROM photos")
        body = encode(report_for(empty_bucket, key))
        for _ in range(2):  # applied, then a duplicate
            await alice.request(
                "POST", "/api/webhook", csrf=False, data=body, headers=signed_headers(app_secrets.webhook_key, body)
            )
        await alice.request("POST", "/api/webhook", csrf=False, data=body, headers=signed_headers(b"wrong key", body))
        reply = await alice.get("/metrics", headers=scrape)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    after = samples(reply.text)

    def grew(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    photo_route = {"route": "/api/v1/photos/<public_id>", "method": "GET", "status": "200"}
    assert grew("photoshare_http_requests_total", **photo_route) == 3
    assert grew("photoshare_http_request_duration_seconds_count", **photo_route) == 3
    assert grew("photoshare_http_request_duration_seconds_bucket", le="+Inf", **photo_route) == 3
    assert grew("photoshare_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert grew("photoshare_upload_bytes_total") == size
    assert grew("photoshare_uploads_rejected_total", reason="unsupported_type") == 1
    assert grew("photoshare_webhook_reports_total", result="ready") == 1
    assert grew("photoshare_webhook_reports_total", result="duplicate") == 1
    assert grew("photoshare_webhook_reports_total", result="invalid_signature") == 1
    assert grew("photoshare_processing_lag_seconds_count") == 1
    assert value(after, "photoshare_db_pool_connections_in_use") >= 0
    assert value(after, "photoshare_db_pool_connections_max") >= settings.db_pool_size


def test_metrics_add_up_every_worker_and_their_files_go_with_the_server(settings, tmp_path, clean_database):
    server = AppServer(app_environment(settings), tmp_path / "app.log", workers=2)
    try:
        workers = [
            child
            for child in psutil.Process(server.process.pid).children()
            if "spawn_main" in " ".join(child.cmdline())
        ]
        assert len(workers) == 2
        directories = {worker.environ()["PROMETHEUS_MULTIPROC_DIR"] for worker in workers}
        assert len(directories) == 1
        healthz = {"route": "/healthz", "method": "GET", "status": "200"}
        before = value(samples(httpx.get(f"{server.url}/metrics").text), "photoshare_http_requests_total", **healthz)
        requests = 40
        for _ in range(requests):  # a new connection each time, so both workers answer some
            assert httpx.get(f"{server.url}/healthz").status_code == 200
        scraped = [samples(httpx.get(f"{server.url}/metrics").text) for _ in range(4)]
        assert {value(found, "photoshare_http_requests_total", **healthz) for found in scraped} == {before + requests}
        assert value(scraped[0], "photoshare_db_pool_connections_max") == 2 * settings.db_pool_size
        (directory,) = directories
        assert any(Path(directory).glob("counter_*.db"))
    finally:
        server.stop()
    assert not Path(directory).exists()
