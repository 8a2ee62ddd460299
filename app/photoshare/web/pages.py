"""Rendering pages with Jinja's synchronous renderer.

Quart renders templates asynchronously, which costs an await per output
fragment (a gallery page has hundreds); none of our templates awaits
anything, so the same templates render synchronously through an overlay of
the app's Jinja environment (same loader, globals, filters and escaping).
"""

from __future__ import annotations

from quart import current_app

SYNC_ENVIRONMENT = "photoshare.jinja_sync"


async def render_page(name: str, **context: object) -> str:
    app = current_app
    environment = app.extensions.get(SYNC_ENVIRONMENT)
    if environment is None:
        environment = app.extensions[SYNC_ENVIRONMENT] = app.jinja_env.overlay(enable_async=False)
    await app.update_template_context(context)
    return environment.get_template(name).render(context)
