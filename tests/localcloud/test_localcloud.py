"""The local cloud and the shared fixtures do what the other suites rely on."""

import socket
import ssl

import certifi
import httpx
import pytest
import yaml

from devtools import localcloud as lc


def test_endpoints_come_from_the_local_inventory(localcloud):
    raw = yaml.safe_load(lc.CONFIG_FILE.read_text())
    assert localcloud.endpoint_url == f"https://{raw['localcloud_moto_host']}:{raw['localcloud_moto_port']}"
    assert localcloud.mariadb_port == raw["localcloud_mariadb_port"]


def test_up_is_a_no_op_when_running(localcloud):
    moto_pid = lc.read_pid(localcloud.state_dir / "moto.pid")
    mariadb_pid = lc.read_pid(localcloud.mariadb_dir / "mariadbd.pid")
    lc.up()
    assert lc.read_pid(localcloud.state_dir / "moto.pid") == moto_pid is not None
    assert lc.read_pid(localcloud.mariadb_dir / "mariadbd.pid") == mariadb_pid is not None


def test_a_foreign_process_on_the_port_is_reported(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(lc.LocalCloudError, match=f"127.0.0.1:{port} is taken.*localcloud_moto_port"):
            lc.claim_port("127.0.0.1", port, tmp_path / "none.pid", "moto server", "localcloud_moto_port")


def test_admin_credentials_are_private(localcloud):
    assert localcloud.admin_file.stat().st_mode & 0o077 == 0


def test_session_database_is_fresh_and_reachable(database):
    assert database.name.startswith("pstest_")
    with database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT DATABASE(), @@character_set_database")
        assert cur.fetchone() == (database.name, "utf8mb4")
        cur.execute("SHOW TABLES")
        assert cur.fetchall() == ()


def test_clean_database_empties_tables_after_each_test(clean_database):
    with clean_database.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS isolation_probe (id INT PRIMARY KEY)")
        cur.execute("SELECT COUNT(*) FROM isolation_probe")
        # Whichever of the two runs comes second sees the table the first one filled, emptied.
        assert cur.fetchone() == (0,)
        cur.execute("INSERT INTO isolation_probe VALUES (1)")


test_clean_database_empties_tables_again = test_clean_database_empties_tables_after_each_test


def test_bucket_lives_on_the_emulator_over_https(localcloud, s3_client, empty_bucket):
    assert s3_client.meta.endpoint_url == localcloud.endpoint_url
    s3_client.put_object(Bucket=empty_bucket, Key="probe.txt", Body=b"hello")
    url = f"{localcloud.endpoint_url}/{empty_bucket}/probe.txt"
    # The object is private: an unsigned GET is refused...
    assert httpx.get(url, timeout=5).status_code == 403
    # ...and a presigned one succeeds.
    signed = s3_client.generate_presigned_url("get_object", Params={"Bucket": empty_bucket, "Key": "probe.txt"})
    response = httpx.get(signed, timeout=5)
    assert response.status_code == 200
    assert response.content == b"hello"


def test_empty_bucket_leaves_nothing_behind(s3_client, empty_bucket):
    assert s3_client.list_objects_v2(Bucket=empty_bucket)["KeyCount"] == 0
    s3_client.put_object(Bucket=empty_bucket, Key="leftover", Body=b"x")


test_empty_bucket_leaves_nothing_behind_again = test_empty_bucket_leaves_nothing_behind


def test_the_emulator_speaks_https_only(localcloud):
    """As AWS's endpoints: a plain-HTTP request gets no answer, and the certificate is the local CA's."""
    with pytest.raises(httpx.HTTPError):
        httpx.get(localcloud.endpoint_url.replace("https://", "http://"), timeout=5)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(localcloud.endpoint_url, timeout=5, verify=ssl.create_default_context(cafile=certifi.where()))
    assert httpx.get(
        f"{localcloud.endpoint_url}/moto-api/",
        timeout=5,
        verify=ssl.create_default_context(cafile=localcloud.ca.ca_file),
    ).is_success
