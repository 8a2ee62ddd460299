"""Faults: the database cut mid-run, S3 answering errors, credentials rotated under the pool.

Proxies stand between the app and the shared MariaDB and moto, so the tests
break the proxy, never the services other engineers use.
"""

import secrets

import boto3
import pymysql
import pytest
import sample_images
from app_client import Visitor
from conftest import db_secret_value
from fault_proxies import S3FaultProxy, TcpProxy
from stored_state import execute, nothing_stored, photo_rows, scalar

from photoshare.app import create_app
from photoshare.ops import janitor

MIB = 1024 * 1024


@pytest.fixture
def db_proxy(database):
    proxy = TcpProxy(database.host, database.port)
    yield proxy
    proxy.close()


@pytest.fixture
def s3_proxy(aws_environment):
    proxy = S3FaultProxy(aws_environment["AWS_ENDPOINT_URL"], aws_environment["AWS_CA_BUNDLE"])
    yield proxy
    proxy.close()


@pytest.fixture
def secret_for(aws_environment):
    """secret_for(database, **fields): a database secret made for this test."""
    client = boto3.client("secretsmanager")
    created = []

    def create(database, **fields) -> str:
        secret_id = f"pstest-{secrets.token_hex(6)}/db/credentials"
        client.create_secret(Name=secret_id, SecretString=db_secret_value(database, **fields))
        created.append(secret_id)
        return secret_id

    yield create
    for secret_id in created:
        client.delete_secret(SecretId=secret_id, ForceDeleteWithoutRecovery=True)


@pytest.fixture
async def faulty(settings, database, db_proxy, s3_proxy, secret_for):
    """(app, visitor) with the database and S3 behind the proxies."""
    tuned = settings.model_copy(
        update={
            "db_secret_id": secret_for(database, host="127.0.0.1", port=db_proxy.port),
            "aws_endpoint_url": s3_proxy.url,
            "max_upload_bytes": 12 * MIB,
            "db_timeout": 3,
        }
    )
    app = create_app(tuned)
    async with app.test_app() as test_app:
        alice = Visitor(test_app.test_client())
        assert (await alice.register("alice")).status == 201
        yield test_app, alice


async def test_a_stopped_database_gives_503_and_the_app_recovers(faulty, db_proxy):
    _, alice = faulty
    assert (await alice.upload(sample_images.jpeg())).status == 201
    db_proxy.cut()
    api = await alice.get("/api/v1/photos")
    assert (api.status, api.error_code) == (503, "database_unavailable")
    assert api.headers["Retry-After"]
    page = await alice.get("/photos")
    assert page.status == 503
    assert "PhotoShare cannot reach its database right now" in page.text
    assert "Traceback" not in page.text
    ready = await alice.get("/readyz")
    assert (ready.status, ready.json()["failing"]) == (503, ["database"])
    assert (await alice.get("/healthz")).status == 200
    db_proxy.restore()
    assert (await alice.get("/readyz")).status == 200
    recovered = await alice.get("/api/v1/photos")
    assert recovered.status == 200
    assert len(recovered.json()["items"]) == 1


async def test_s3_errors_give_503_and_store_nothing(faulty, s3_proxy, clean_database, s3_client, empty_bucket):
    _, alice = faulty
    s3_proxy.fail("PutObject")
    reply = await alice.upload(sample_images.jpeg())
    assert (reply.status, reply.error_code) == (503, "storage_unavailable")
    assert nothing_stored(clean_database, s3_client, empty_bucket)
    s3_proxy.fail("HeadBucket")
    ready = await alice.get("/readyz")
    assert (ready.status, ready.json()["failing"]) == (503, ["storage"])
    s3_proxy.heal()
    assert (await alice.get("/readyz")).status == 200
    assert (await alice.upload(sample_images.jpeg())).status == 201


@pytest.mark.parametrize("operation", ["UploadPart", "CompleteMultipartUpload", "CreateMultipartUpload"])
async def test_a_multipart_upload_failing_midway_is_aborted(
    faulty, s3_proxy, clean_database, s3_client, empty_bucket, operation
):
    _, alice = faulty
    s3_proxy.fail(operation, after=1 if operation == "UploadPart" else 0)
    reply = await alice.upload(sample_images.padded_jpeg(11 * MIB))
    assert (reply.status, reply.error_code) == (503, "storage_unavailable")
    assert nothing_stored(clean_database, s3_client, empty_bucket)


async def test_the_database_lost_at_the_last_step_leaves_nothing_after_the_janitor(
    faulty, s3_proxy, db_proxy, clean_database, s3_client, empty_bucket
):
    test_app, alice = faulty
    s3_proxy.before("CompleteMultipartUpload", db_proxy.cut)
    reply = await alice.upload(sample_images.padded_jpeg(6 * MIB))
    assert (reply.status, reply.error_code) == (503, "database_unavailable")
    db_proxy.restore()
    (row,) = photo_rows(clean_database)
    assert row["state"] == "uploading"  # invisible: never in a gallery, 404 on its page
    assert (await alice.get(f"/api/v1/photos/{row['public_id']}")).status == 404
    execute(clean_database, "UPDATE photos SET created_at = created_at - INTERVAL 2 HOUR")  # older than the age limit
    await janitor.sweep_once(test_app.app.extensions["photoshare"])
    assert nothing_stored(clean_database, s3_client, empty_bucket)


async def test_a_delete_that_s3_refuses_is_finished_by_the_janitor(
    faulty, s3_proxy, clean_database, s3_client, empty_bucket
):
    test_app, alice = faulty
    photo_id = (await alice.upload(sample_images.jpeg())).json()["id"]
    s3_proxy.fail("DeleteObjects")
    reply = await alice.request("DELETE", f"/api/v1/photos/{photo_id}")
    assert (reply.status, reply.error_code) == (503, "storage_unavailable")
    assert (await alice.get(f"/api/v1/photos/{photo_id}")).status == 404  # hidden at once
    assert [row["state"] for row in photo_rows(clean_database)] == ["deleting"]
    s3_proxy.heal()
    await janitor.sweep_once(test_app.app.extensions["photoshare"])
    assert nothing_stored(clean_database, s3_client, empty_bucket)


async def test_rotated_database_credentials_are_read_again(
    settings, database, db_proxy, secret_for, migrated_database, caplog
):
    user, old, new = f"pstest_{secrets.token_hex(4)}", secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    with database.connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE USER '{user}'@'%%' IDENTIFIED BY %s", (old,))
        cur.execute(f"GRANT ALL PRIVILEGES ON `{database.name}`.* TO '{user}'@'%'")
    try:
        secret_id = secret_for(database, username=user, password=old, host="127.0.0.1", port=db_proxy.port)
        app = create_app(settings.model_copy(update={"db_secret_id": secret_id}))
        async with app.test_app() as test_app:
            visitor = Visitor(test_app.test_client())
            assert (await visitor.register("rita")).status == 201
            with database.connect() as conn, conn.cursor() as cur:
                cur.execute(f"ALTER USER '{user}'@'%%' IDENTIFIED BY %s", (new,))
            boto3.client("secretsmanager").put_secret_value(
                SecretId=secret_id,
                SecretString=db_secret_value(
                    database, username=user, password=new, host="127.0.0.1", port=db_proxy.port
                ),
            )
            db_proxy.drop_connections()  # the pool must open new connections, which the old password cannot
            reply = await visitor.get("/api/v1/photos")
            assert reply.status == 200, reply.body
        assert "database_credentials_reread" in caplog.text
        assert old not in caplog.text
        assert new not in caplog.text
    finally:
        with database.connect() as conn, conn.cursor() as cur:
            cur.execute(f"DROP USER IF EXISTS '{user}'@'%'")


def test_pymysql_sees_the_proxy_cut(db_proxy, database):
    """The proxy really cuts: a client through it cannot connect while it is cut."""
    db_proxy.cut()
    with pytest.raises(pymysql.err.OperationalError):
        pymysql.connect(
            host="127.0.0.1", port=db_proxy.port, user=database.username, password=database.password, connect_timeout=3
        )
    db_proxy.restore()
    pymysql.connect(host="127.0.0.1", port=db_proxy.port, user=database.username, password=database.password).close()
    assert scalar(database, "SELECT 1") == 1
