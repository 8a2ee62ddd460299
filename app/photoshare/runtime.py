"""What the app holds while it serves: settings, the pool, the AWS clients, the hashers.

create_app() stores one Runtime on the app; the pool and the clients are
opened in while_serving and closed when serving stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quart import current_app

from photoshare.settings import Settings
from photoshare.web.page_cache import PageCache

if TYPE_CHECKING:
    from photoshare.accounts.passwords import Passwords
    from photoshare.aws import AwsClients
    from photoshare.database import Database
    from photoshare.storage import PhotoStorage
    from photoshare.webhook.service import SigningKey


@dataclass
class Runtime:
    settings: Settings
    feed_cache: PageCache = field(init=False)
    db: Database = field(init=False)
    aws: AwsClients = field(init=False)
    storage: PhotoStorage = field(init=False)
    passwords: Passwords = field(init=False)
    signing_key: SigningKey = field(init=False)


def runtime() -> Runtime:
    return current_app.extensions["photoshare"]
