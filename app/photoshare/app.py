"""create_app(): the Quart app with its blueprints, error handlers, middleware and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import AsyncExitStack

from quart import Quart, current_app, request, url_for
from quart_schema import QuartSchema
from quart_schema.openapi import OpenAPIProvider

from photoshare import __version__
from photoshare.accounts import api as accounts_api
from photoshare.accounts import views as accounts_views
from photoshare.accounts.passwords import Passwords
from photoshare.accounts.sessions import current_session
from photoshare.albums import api as albums_api
from photoshare.albums import views as albums_views
from photoshare.aws import open_clients, read_secret_string
from photoshare.database import Database, DatabaseCredentials, tls_context
from photoshare.logs import configure_logging, log
from photoshare.metrics import views as metrics_views
from photoshare.metrics.registry import forget_dead_workers
from photoshare.ops import janitor
from photoshare.ops import views as ops_views
from photoshare.photos import api as photos_api
from photoshare.photos import views as photos_views
from photoshare.photos.page_paths import photo_href
from photoshare.photos.upload_routes import STREAMED_ROUTES
from photoshare.runtime import Runtime
from photoshare.settings import Settings
from photoshare.sharing import api as sharing_api
from photoshare.sharing import views as sharing_views
from photoshare.sharing.models import EXPIRY_CHOICES
from photoshare.social import api as social_api
from photoshare.social import views as social_views
from photoshare.storage import PhotoStorage
from photoshare.tokens import api as tokens_api
from photoshare.tokens import views as tokens_views
from photoshare.web import apidocs
from photoshare.web.context import RequestContextMiddleware, record_route
from photoshare.web.errors import NoContent, register_error_handlers
from photoshare.web.forwarded import LoadBalancerProxyFix
from photoshare.web.page_cache import PageCache
from photoshare.web.security import add_security_headers
from photoshare.web.streaming import StreamedBodyMiddleware
from photoshare.webhook import views as webhook_views
from photoshare.webhook.service import SigningKey

API_PREFIX = "/api/v1"
# JSON bodies and forms are small; uploads stream past this limit on their own routes.
MAX_BODY_BYTES = 64 * 1024


class ApiOnlyOpenAPIProvider(OpenAPIProvider):
    """The OpenAPI document describes /api/v1 only, not the pages; a NoContent response has no body."""

    def generate_rules(self):
        return (rule for rule in super().generate_rules() if rule.rule.startswith(API_PREFIX))

    def build_response_object(self, model, headers_model):
        if model is NoContent:
            return {"description": "done; no body"}, {}
        return super().build_response_object(model, headers_model)


def create_app(settings: Settings | None = None) -> Quart:
    settings = settings or Settings.from_environ()
    configure_logging(settings.log_level)
    app = Quart(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, BODY_TIMEOUT=30, TEMPLATES_AUTO_RELOAD=False)
    rt = app.extensions["photoshare"] = Runtime(settings)
    rt.feed_cache = PageCache(seconds=settings.feed_cache_seconds)
    QuartSchema(
        app,
        openapi_path=f"{API_PREFIX}/openapi.json",
        redoc_ui_path=None,
        scalar_ui_path=None,
        swagger_ui_path=None,
        info={"title": "PhotoShare API", "version": __version__},
        security_schemes={
            "session": {"type": "apiKey", "in_": "cookie", "name": "__Host-photoshare_session"},
            "csrf": {"type": "apiKey", "in_": "header", "name": "X-CSRF-Token"},
            "token": {"type": "http", "scheme": "bearer", "bearer_format": "psk_..."},
        },
        security=[{"session": [], "csrf": []}, {"token": []}],
        openapi_provider_class=ApiOnlyOpenAPIProvider,
    )
    app.before_request(record_route)
    for module in (
        ops_views,
        metrics_views,
        webhook_views,
        accounts_views,
        accounts_api,
        photos_views,
        photos_api,
        albums_views,
        albums_api,
        social_views,
        social_api,
        sharing_views,
        sharing_api,
        tokens_views,
        tokens_api,
        apidocs,
    ):
        app.register_blueprint(module.blueprint)
    register_error_handlers(app)
    app.after_request(add_security_headers)
    # Flask's default context processor (which blueprints copy) is synchronous, so
    # Quart would run it in its thread pool on every render; ours is async.
    for name in list(app.template_context_processors):
        app.template_context_processors[name] = []
    app.template_context_processors[None] = [template_context]
    app.while_serving(lambda: serving(app))

    app.asgi_app = RequestContextMiddleware(
        StreamedBodyMiddleware(app.asgi_app, STREAMED_ROUTES), access_log=settings.access_log
    )
    if settings.proxy_hops:
        app.asgi_app = LoadBalancerProxyFix(app.asgi_app, hops=settings.proxy_hops)
    return app


async def serving(app: Quart):
    """Open the clients and the pool, run the janitor, and close it all when serving stops."""
    rt: Runtime = app.extensions["photoshare"]
    settings = rt.settings
    async with AsyncExitStack() as stack:
        rt.aws = await open_clients(settings, stack)
        rt.storage = await PhotoStorage.create(
            s3_client=rt.aws.s3,
            session=rt.aws.session,
            bucket=settings.bucket,
            region=settings.region,
            url_ttl=settings.presigned_url_ttl,
        )
        rt.signing_key = SigningKey(rt.aws.secrets, settings.webhook_secret_id)
        rt.passwords = Passwords(settings.password_hashing_threads)
        stack.callback(rt.passwords.close)
        rt.db = Database(
            credentials=database_credentials(rt),
            tls=tls_context(settings.db_ca_bundle),
            pool_size=settings.db_pool_size,
            timeout=settings.db_timeout,
        )
        stack.push_async_callback(rt.db.close)
        await rt.db.start()
        forget_dead_workers()
        sweeper = asyncio.create_task(janitor.run_forever(rt))
        log("app_serving", bucket=settings.bucket, version=__version__)
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper


NAV_ENDPOINTS = (
    "photos.feed",
    "photos.my_photos",
    "photos.upload_page",
    "albums.albums_page",
    "sharing.links_page",
    "tokens.tokens_list",
    "accounts.login",
    "accounts.register",
    "accounts.logout",
)


async def template_context() -> dict:
    # async: Quart would run a plain function in its thread pool on every render.
    app = current_app
    links = app.extensions.get("photoshare.links")
    if links is None:  # built once: url_for costs tens of microseconds a call
        links = app.extensions["photoshare.links"] = {
            endpoint.split(".")[1]: url_for(endpoint) for endpoint in NAV_ENDPOINTS
        } | {"stylesheet": url_for("static", filename="style.css")}
    session = current_session()
    return {
        "request": request,
        "session": session,
        "user": session.user if session else None,
        "photo_href": photo_href,
        "links": links,
        "expiry_choices": EXPIRY_CHOICES,
    }


def database_credentials(rt: Runtime):
    settings = rt.settings

    async def read() -> DatabaseCredentials:
        if settings.dev_database_url is not None:
            return DatabaseCredentials.from_url(settings.dev_database_url)
        raw = await read_secret_string(rt.aws.secrets, settings.db_secret_id)
        return DatabaseCredentials.from_secret_string(settings.db_secret_id, raw)

    return read
