"""The webhook endpoint: Telegram POSTs each update to `[telegram] webhook_url`.

Telegram sends the secret given to `setWebhook` in the `X-Telegram-Bot-Api-Secret-Token`
header. A request without it, or with another one, is answered 403 before its body is even
read: nothing is parsed, handled or written. A genuine update is queued for the handlers and
acknowledged at once (shared/STYLE.md, "Acknowledge first, work after"); if the same update
comes again, the core's inbox gives it no second effect.

PTB's built-in webhook server needs tornado (the `webhooks` extra); aiohttp is already one of
our dependencies, so this small server uses it.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.kernel.config import ConfigError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts


def check_settings(webhook_url: str, secret_token: str) -> str:
    """The path to listen on; refuses a webhook set-up that Telegram or safety would refuse."""
    if not secret_token:
        raise ConfigError("[telegram] secret_token is required when mode = \"webhook\" "
                          "(anyone could post fake updates otherwise)")
    if not _SECRET.match(secret_token):
        raise ConfigError("[telegram] secret_token may only hold letters, digits, _ and - "
                          "(1 to 256 characters)")
    parts = urlsplit(webhook_url)
    # https for api.telegram.org; a self-hosted Bot API server may post over plain http.
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ConfigError("[telegram] webhook_url must be the public https:// address Telegram "
                          "will post to")
    return parts.path or "/"


class WebhookServer:
    def __init__(self, path: str, secret_token: str,
                 accept: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self.path = path
        self._secret = secret_token.encode()
        self._accept = accept
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (0 = any free port); returns the port actually bound."""
        application = web.Application(client_max_size=MAX_BODY)
        application.router.add_post(self.path, self._receive)
        self._runner = web.AppRunner(application, access_log=None)
        await self._runner.setup()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        site = web.SockSite(self._runner, sock)
        await site.start()
        self.port = sock.getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("telegram.webhook_forbidden", extra={"remote": request.remote})
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400)
        await self._accept(data)
        return web.Response(status=200)
