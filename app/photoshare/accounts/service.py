"""Registration, log-in with throttling, and the life of a session."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets

from asyncmy.errors import IntegrityError

from photoshare.accounts import queries
from photoshare.accounts.models import NewSession, Session, User
from photoshare.accounts.passwords import Passwords
from photoshare.accounts.validation import check_password, normalize_display_name, normalize_username
from photoshare.database import Database
from photoshare.errors import InvalidCredentialsError, TooManyAttemptsError, UsernameTakenError
from photoshare.logs import log
from photoshare.settings import Settings

# last_seen_at is written at most this often, so reading a page is not a write.
TOUCH_INTERVAL_SECONDS = 60


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def tokens_match(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def account_subject(username: str) -> str:
    """The throttling subject of a username as typed; the column is ASCII, and a name that is not
    (no account has one) is counted by its digest, so it is still throttled and never breaks the query."""
    if username.isascii() and username.isprintable():
        return f"account:{username}"
    return f"account:#{hashlib.sha256(username.encode('utf-8', 'replace')).hexdigest()[:32]}"


def ip_subject(address: str) -> str:
    """An IPv4 address, or the /64 network of an IPv6 one (a host owns a whole /64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "ip:unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return f"ip:{ip.ipv4_mapped}"
        return f"ip:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"ip:{ip}"


async def register(
    *, db: Database, passwords: Passwords, username: str, password: str, display_name: str | None
) -> User:
    username = normalize_username(username)
    check_password(password)
    name = normalize_display_name(display_name, username)
    password_hash = await passwords.hash(password)
    try:
        async with db.transaction() as cur:
            user = await queries.insert_user(cur, username=username, display_name=name, password_hash=password_hash)
    except IntegrityError:
        raise UsernameTakenError() from None
    log("user_registered", user_id=user.id)
    return user


async def authenticate(
    *, db: Database, passwords: Passwords, settings: Settings, username: str, password: str, client_ip: str
) -> User:
    """The user whose password this is; TooManyAttemptsError before any hashing while throttled."""
    username = username.strip().lower()[:64]
    account, network = account_subject(username), ip_subject(client_ip)
    window = settings.login_throttle_window
    async with db.cursor() as cur:
        failures = await queries.recent_failures(cur, subjects=(account, network), window_seconds=window)
        limits = {account: settings.login_max_failures_per_account, network: settings.login_max_failures_per_ip}
        for subject, (count, remaining) in failures.items():
            if count >= limits[subject]:
                log("login_throttled", level=logging.WARNING, scope=subject.split(":", 1)[0])
                raise TooManyAttemptsError(
                    f"Too many failed log-ins. Try again in {remaining // 60 + 1} minute(s).",
                    headers={"Retry-After": str(remaining)},
                )
        # Usernames are ASCII (validation.py); the column is too, and MySQL refuses to compare other text to it.
        found = await queries.find_user_with_hash(cur, username=username) if username.isascii() else None
    matches, new_hash = await passwords.verify(found[1] if found else None, password)
    if found is None or not matches:
        async with db.transaction() as cur:
            await queries.record_failure(cur, subject=account, window_seconds=window)
            await queries.record_failure(cur, subject=network, window_seconds=window)
        log("login_failed", level=logging.WARNING, known_user=found is not None)
        raise InvalidCredentialsError()
    user = found[0]
    async with db.transaction() as cur:
        await queries.clear_failures(cur, subject=account)
        if new_hash is not None:
            await queries.update_password_hash(cur, user_id=user.id, password_hash=new_hash)
    log("login_succeeded", user_id=user.id)
    return user


async def start_session(*, db: Database, user: User | None, replacing: Session | None) -> NewSession:
    """A new session id (never the old one: no fixation), the old row deleted in the same transaction."""
    token = new_token()
    async with db.transaction() as cur:
        if replacing is not None:
            await queries.delete_session(cur, token_hash=replacing.token_hash)
        session = await queries.insert_session(cur, token_hash=hash_token(token), user=user, csrf_token=new_token())
    return NewSession(token=token, session=session)


async def find_session(*, db: Database, settings: Settings, token: str) -> Session | None:
    token_hash = hash_token(token)
    async with db.cursor() as cur:
        session = await queries.find_live_session(
            cur,
            token_hash=token_hash,
            idle_seconds=settings.session_idle_timeout,
            absolute_seconds=settings.session_absolute_timeout,
        )
        if session is not None and (session.now - session.last_seen_at).total_seconds() > TOUCH_INTERVAL_SECONDS:
            await queries.touch_session(cur, token_hash=token_hash)
    return session


async def end_session(*, db: Database, session: Session) -> None:
    async with db.cursor() as cur:
        await queries.delete_session(cur, token_hash=session.token_hash)
