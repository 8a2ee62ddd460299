"""Registration, log-in, sessions and their cookie, CSRF and log-in throttling, against the real database."""

import re
from urllib.parse import urlsplit

import pytest
from app_client import PASSWORD, Visitor
from social_helpers import upload
from stored_state import execute, scalar

from photoshare.app import create_app


def session_cookie(reply) -> str:
    return next(value for value in reply.headers.getlist("Set-Cookie") if "photoshare_session" in value)


def row_count(database, table: str) -> int:
    return scalar(database, f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - a table name of the test


async def test_registration_stores_an_argon2id_hash_with_owasp_parameters(visitor, clean_database):
    reply = await visitor().register("Alice.Example", display_name="Alice  Liddell")
    assert reply.status == 201, reply.body
    assert reply.json()["user"] == {"username": "alice.example", "display_name": "Alice Liddell"}
    stored = scalar(clean_database, "SELECT password_hash FROM users WHERE username = 'alice.example'")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    ("username", "password", "problem"),
    [
        ("ab", PASSWORD, "3 to 32 characters"),
        ("x" * 33, PASSWORD, "3 to 32 characters"),
        ("bad name", PASSWORD, "3 to 32 characters"),
        ("élise", PASSWORD, "3 to 32 characters"),
        ("-dash", PASSWORD, "3 to 32 characters"),
        ("goodname", "seven77", "8 to 128 characters; this one has 7"),
        ("goodname", "p" * 129, "8 to 128 characters; this one has 129"),
    ],
)
async def test_bad_usernames_and_passwords_are_refused(visitor, clean_database, username, password, problem):
    reply = await visitor().register(username, password=password)
    assert reply.status == 400
    assert reply.error_code == "invalid_request"
    assert problem in reply.json()["error"]["message"]
    assert row_count(clean_database, "users") == 0


@pytest.mark.parametrize("password", ["8 chars!", "p" * 128, "pässwörd ünïcödé 🔑"])
async def test_passwords_of_8_to_128_characters_of_any_kind_are_taken(visitor, password):
    assert (await visitor().register(password=password)).status == 201


async def test_a_taken_username_is_a_conflict_whatever_its_case(visitor):
    assert (await visitor().register("bob")).status == 201
    reply = await visitor().register("BOB")
    assert (reply.status, reply.error_code) == (409, "username_taken")


async def test_log_in_rotates_the_session_and_log_out_deletes_it(visitor, clean_database):
    await visitor().register("carol")
    carol = visitor()
    anonymous = await carol.session()
    assert anonymous["user"] is None
    pre_session_hashes = {scalar(clean_database, "SELECT HEX(token_hash) FROM sessions WHERE user_id IS NULL")}
    reply = await carol.login("carol")
    assert reply.status == 200
    assert reply.json()["user"]["username"] == "carol"
    new_hash = scalar(
        clean_database,
        "SELECT HEX(token_hash) FROM sessions WHERE user_id IS NOT NULL ORDER BY created_at DESC LIMIT 1",
    )
    assert new_hash not in pre_session_hashes
    assert scalar(clean_database, "SELECT COUNT(*) FROM sessions WHERE user_id IS NULL") == 0  # replaced
    assert (await carol.get("/api/v1/photos")).status == 200
    assert (await carol.request("DELETE", "/api/v1/session")).status == 204
    assert scalar(clean_database, "SELECT COUNT(*) FROM sessions WHERE HEX(token_hash) = %s", new_hash) == 0
    assert (await carol.get("/api/v1/photos")).status == 401


async def test_the_old_session_token_is_useless_after_log_in(app, visitor):
    await visitor().register("dave")
    dave = visitor()
    await dave.session()
    old_cookie = next(iter(dave.client.cookie_jar)).value
    await dave.login("dave")
    stranger = Visitor(app.test_client())
    stranger.client.set_cookie("localhost", "photoshare_session", old_cookie)
    assert (await stranger.get("/api/v1/session")).json()["user"] is None


async def test_the_session_cookie_is_httponly_and_samesite_lax_over_http(visitor):
    reply = await visitor().register("erin")
    cookie = session_cookie(reply)
    assert cookie.startswith("photoshare_session=")
    assert re.search(r"; HttpOnly", cookie)
    assert re.search(r"; SameSite=Lax", cookie)
    assert "; Path=/" in cookie
    assert "Secure" not in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) == 43  # 256 random bits, base64url


async def test_over_https_the_cookie_is_host_prefixed_and_secure(app):
    client = Visitor(app.test_client())
    response = await client.client.get("/api/v1/session", scheme="https")
    cookie = next(value for value in response.headers.getlist("Set-Cookie"))
    assert cookie.startswith("__Host-photoshare_session=")
    assert "; Secure" in cookie
    assert "; Path=/" in cookie
    assert "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_x_forwarded_proto_counts_only_from_trusted_proxies(settings):
    body = {}
    for hops in (0, 1):
        app = create_app(settings.model_copy(update={"proxy_hops": hops}))
        async with app.test_app() as test_app:
            response = await test_app.test_client().get(
                "/api/v1/session", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
            )
            body[hops] = response.headers.getlist("Set-Cookie")[0]
    assert body[0].startswith("photoshare_session=")
    assert body[1].startswith("__Host-photoshare_session=")


async def test_a_client_sent_x_forwarded_host_changes_nothing(settings):
    """The ALB passes X-Forwarded-Host through from the client; a share link must keep the real host."""
    app = create_app(settings.model_copy(update={"proxy_hops": 1}))
    async with app.test_app() as test_app:
        alice = Visitor(test_app.test_client())
        await alice.register("alice")
        photo_id = await upload(alice)
        forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": "evil.example"}
        reply = await alice.request("POST", "/api/v1/shares", json={"photo_id": photo_id}, headers=forwarded)
        assert reply.status == 201, reply.body
        assert urlsplit(reply.json()["url"]).netloc == "localhost"


async def test_idle_and_absolute_timeouts_end_a_session(visitor, clean_database):
    frank = visitor()
    await frank.register("frank")
    execute(clean_database, "UPDATE sessions SET last_seen_at = last_seen_at - INTERVAL 3601 SECOND")
    assert (await frank.get("/api/v1/photos")).status == 401
    await frank.login("frank")
    assert (await frank.get("/api/v1/photos")).status == 200
    execute(clean_database, "UPDATE sessions SET created_at = created_at - INTERVAL 43201 SECOND")
    assert (await frank.get("/api/v1/photos")).status == 401


async def test_reading_pages_refreshes_the_idle_timer(visitor, clean_database):
    gina = visitor()
    await gina.register("gina")
    execute(clean_database, "UPDATE sessions SET last_seen_at = last_seen_at - INTERVAL 3000 SECOND")
    assert (await gina.get("/api/v1/photos")).status == 200
    idle = scalar(
        clean_database,
        "SELECT MIN(TIMESTAMPDIFF(SECOND, last_seen_at, UTC_TIMESTAMP())) FROM sessions WHERE user_id IS NOT NULL",
    )
    assert idle < 60


@pytest.mark.parametrize("token", [None, "forged-token-forged-token-forged-token-abcd"])
async def test_every_state_changing_request_needs_the_csrf_token(visitor, clean_database, token):
    await visitor().register("henry")
    henry = visitor()
    await henry.login("henry")
    headers = {"X-CSRF-Token": token} if token else {}
    attempts = [
        ("POST", "/api/v1/accounts", {"json": {"username": "mallory", "password": PASSWORD}}),
        ("POST", "/api/v1/session", {"json": {"username": "henry", "password": PASSWORD}}),
        ("DELETE", "/api/v1/session", {}),
        ("PATCH", "/api/v1/photos/00000000-0000-4000-8000-000000000000", {"json": {"caption": "x"}}),
        ("DELETE", "/api/v1/photos/00000000-0000-4000-8000-000000000000", {}),
        ("POST", "/logout", {"form": {}}),
        ("POST", "/login", {"form": {"username": "henry", "password": PASSWORD}}),
        ("POST", "/register", {"form": {"username": "mallory", "password": PASSWORD}}),
    ]
    for method, path, kwargs in attempts:
        reply = await henry.request(method, path, csrf=False, headers=headers, **kwargs)
        assert reply.status == 403, (method, path, reply.body)
    assert scalar(clean_database, "SELECT COUNT(*) FROM users WHERE username = 'mallory'") == 0
    assert (await henry.get("/api/v1/photos")).status == 200  # still logged in


async def test_the_login_form_works_with_its_pre_session(visitor):
    await visitor().register("iris")
    iris = visitor()
    page = await iris.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    reply = await iris.request(
        "POST",
        "/login",
        csrf=False,
        form={"username": "iris", "password": PASSWORD, "csrf_token": token, "next": "/upload"},
    )
    assert (reply.status, reply.headers["Location"]) == (303, "/upload")
    assert "Log out iris" in (await iris.get("/photos")).text


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
async def test_the_login_redirect_stays_on_the_site(visitor, target):
    await visitor().register("jack")
    jack = visitor()
    page = await jack.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    reply = await jack.request(
        "POST",
        "/login",
        csrf=False,
        form={"username": "jack", "password": PASSWORD, "csrf_token": token, "next": target},
    )
    assert (reply.status, reply.headers["Location"]) == (303, "/photos")


async def test_wrong_passwords_are_throttled_per_account(visitor):
    await visitor().register("kate")
    attacker = visitor()
    for _ in range(5):
        reply = await attacker.login("kate", "wrong password")
        assert (reply.status, reply.error_code) == (401, "invalid_credentials")
    reply = await attacker.login("kate")  # even the right password, until the window ends
    assert (reply.status, reply.error_code) == (429, "too_many_attempts")
    assert int(reply.headers["Retry-After"]) > 0


async def test_unknown_and_known_usernames_fail_alike(visitor):
    await visitor().register("liam")
    known = await visitor().login("liam", "wrong password")
    unknown = await visitor().login("nobody-here", "wrong password")
    assert (known.status, known.json()) == (unknown.status, unknown.json())


async def test_wrong_passwords_are_throttled_per_ip_across_workers(settings):
    """Two app instances stand for two hypercorn workers: the counts live in the database."""
    ip_limit = 4
    tuned = settings.model_copy(update={"login_max_failures_per_ip": ip_limit, "proxy_hops": 1})
    first, second = create_app(tuned), create_app(tuned)
    attacker_ip, other_ip = {"X-Forwarded-For": "198.51.100.23"}, {"X-Forwarded-For": "192.0.2.50"}
    async with first.test_app() as worker_a, second.test_app() as worker_b:
        await Visitor(worker_a.test_client()).register("mia")
        for attempt in range(ip_limit):
            worker = (worker_a, worker_b)[attempt % 2]
            reply = await Visitor(worker.test_client()).login(f"victim{attempt}", "wrong", headers=attacker_ip)
            assert (reply.status, reply.error_code) == (401, "invalid_credentials")
        blocked = await Visitor(worker_b.test_client()).login("mia", headers=attacker_ip)
        assert (blocked.status, blocked.error_code) == (429, "too_many_attempts")
        assert (await Visitor(worker_a.test_client()).login("mia", headers=other_ip)).status == 200
