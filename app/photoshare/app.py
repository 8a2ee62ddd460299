"""create_app(): the Quart app with its blueprints, error handlers, middleware and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import AsyncExitStack

from hypercorn.middleware import ProxyFixMiddleware
from quart import Quart
from quart_schema import QuartSchema
from quart_schema.openapi import OpenAPIProvider

from photoshare import __version__
from photoshare.accounts import api as accounts_api
from photoshare.accounts import views as accounts_views
from photoshare.accounts.passwords import Passwords
from photoshare.accounts.web import current_session
from photoshare.aws import open_clients, read_secret_string
from photoshare.database import Database, DatabaseCredentials
from photoshare.logs import configure_logging, log
from photoshare.ops import janitor
from photoshare.ops import views as ops_views
from photoshare.photos import api as photos_api
from photoshare.photos import views as photos_views
from photoshare.photos.streamed import STREAMED_ROUTES
from photoshare.runtime import Runtime
from photoshare.settings import Settings
from photoshare.storage import PhotoStorage
from photoshare.web.context import RequestContextMiddleware
from photoshare.web.errors import register_error_handlers
from photoshare.web.security import add_security_headers
from photoshare.web.streaming import StreamedBodyMiddleware
from photoshare.webhook import views as webhook_views
from photoshare.webhook.service import SigningKey

API_PREFIX = "/api/v1"
# JSON bodies and forms are small; uploads stream past this limit on their own routes.
MAX_BODY_BYTES = 64 * 1024


class ApiOnlyOpenAPIProvider(OpenAPIProvider):
    """The OpenAPI document describes /api/v1 only, not the pages."""

    def generate_rules(self):
        return (rule for rule in super().generate_rules() if rule.rule.startswith(API_PREFIX))


def create_app(settings: Settings | None = None) -> Quart:
    settings = settings or Settings.from_environ()
    configure_logging(settings.log_level)
    app = Quart(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, BODY_TIMEOUT=30, TEMPLATES_AUTO_RELOAD=False)
    app.extensions["photoshare"] = Runtime(settings)
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
        },
        openapi_provider_class=ApiOnlyOpenAPIProvider,
    )
    for module in (ops_views, webhook_views, accounts_views, accounts_api, photos_views, photos_api):
        app.register_blueprint(module.blueprint)
    register_error_handlers(app)
    app.after_request(add_security_headers)
    app.context_processor(lambda: {"session": current_session(), "user": getattr(current_session(), "user", None)})
    app.while_serving(lambda: serving(app))

    app.asgi_app = RequestContextMiddleware(
        StreamedBodyMiddleware(app.asgi_app, STREAMED_ROUTES), access_log=settings.access_log
    )
    if settings.proxy_hops:
        app.asgi_app = ProxyFixMiddleware(app.asgi_app, mode="legacy", trusted_hops=settings.proxy_hops)
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
            credentials=database_credentials(rt), pool_size=settings.db_pool_size, timeout=settings.db_timeout
        )
        stack.push_async_callback(rt.db.close)
        await rt.db.start()
        sweeper = asyncio.create_task(janitor.run_forever(rt))
        log("app_serving", bucket=settings.bucket, version=__version__)
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper


def database_credentials(rt: Runtime):
    settings = rt.settings

    async def read() -> DatabaseCredentials:
        if settings.dev_database_url is not None:
            return DatabaseCredentials.from_url(settings.dev_database_url)
        raw = await read_secret_string(rt.aws.secrets, settings.db_secret_id)
        return DatabaseCredentials.from_secret_string(settings.db_secret_id, raw)

    return read
