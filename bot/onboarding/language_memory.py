"""The one thing kept after /forget: the language someone spoke, so that their next message
is answered in it rather than in the platform's default.

Nothing that identifies them is stored: the row is keyed by an HMAC-SHA256 of their platform
address ("telegram:<bot>:<user id>") under a random secret kept in `meta`, so the table
alone names nobody, a platform id cannot be read back from it, and the erasure (which
searches every column for names, handles and ids) has nothing to find. The row is used once:
when that address writes again, the new profile takes the language and the row goes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from bot.kernel.events import Address
from bot.kernel.i18n import LANGUAGES
from bot.store.db import Tx
from bot.store.state import get_meta, set_meta

SECRET_KEY = "language_memory_secret"


def _digest(secret: str, address: Address) -> str:
    key = ":".join(address.key).encode("utf-8")
    return hmac.new(bytes.fromhex(secret), key, hashlib.sha256).hexdigest()


async def remember(tx: Tx, addresses: Iterable[Address], language: str) -> None:
    """Keep `language` for these addresses (call it once the person has been erased)."""
    if language not in LANGUAGES:
        return
    secret = await get_meta(tx, SECRET_KEY)
    if secret is None:
        secret = secrets.token_hex(32)
        await set_meta(tx, SECRET_KEY, secret)
    for address in addresses:
        await tx.execute(
            "INSERT INTO remembered_languages (address_digest, language) VALUES (?, ?)"
            " ON CONFLICT (address_digest) DO UPDATE SET language = excluded.language",
            (_digest(secret, address), language))


async def recall(tx: Tx, address: Address) -> str | None:
    """The language this address spoke before a /forget (used once), or None."""
    secret = await get_meta(tx, SECRET_KEY)
    if secret is None:
        return None
    digest = _digest(secret, address)
    language = await tx.value(
        "SELECT language FROM remembered_languages WHERE address_digest = ?", (digest,))
    if language is not None:
        await tx.execute("DELETE FROM remembered_languages WHERE address_digest = ?", (digest,))
    return language if language in LANGUAGES else None
