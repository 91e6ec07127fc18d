"""A fake Telegram Bot API on 127.0.0.1 (a free port), for the real python-telegram-bot.

It answers the methods the adapter uses the way Telegram does: bodies form-encoded with
JSON-encoded nested fields (multipart when a file is uploaded), answers wrapped in
`{"ok": true, "result": ...}`, long polling with offsets (an update stays pending until a
later `getUpdates` confirms it), 429 with `retry_after` and 403 "blocked by the user" on
demand. It checks what Telegram checks — HTML entities, message and caption lengths,
callback data of at most 64 bytes — and records every call in `calls`.

Updates are made with `user()`, `push_text()` and `press()`, shaped like the recorded payloads
in tests/payloads/telegram/.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 7_700_000_001
BOT_USERNAME = "MentorTestBot"
TOKEN = f"{BOT_ID}:AAE-fake_token_for_tests_only_0123456789"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Mentor", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False}

_JSON_FIELDS = frozenset({"reply_markup", "commands", "allowed_updates", "reply_parameters",
                          "link_preview_options", "entities", "caption_entities", "scope"})
_INT_FIELDS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "user_id"})
_ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a",
                           "code", "pre", "tg-spoiler", "span", "blockquote", "tg-emoji"})
_TAG = re.compile(r"<(/?)([a-z][a-z0-9-]*)((?:\s+[a-z-]+=\"[^\"<>]*\")*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def telegram_html_text(markup: str) -> str:
    """The text Telegram would show for `markup` (parse_mode=HTML); ValueError as Telegram would.

    Strict like Telegram: only its tags, properly nested, `<`, `>` and `&` escaped elsewhere,
    only the named entities &lt; &gt; &amp; &quot; (and numeric ones).
    """
    out: list[str] = []
    stack: list[str] = []
    position = 0
    while position < len(markup):
        char = markup[position]
        if char == "<":
            tag = _TAG.match(markup, position)
            if tag is None:
                raise ValueError(f"unescaped '<' at {position}")
            closing, name, attributes = tag.groups()
            if name not in _ALLOWED_TAGS:
                raise ValueError(f"unsupported tag <{name}>")
            if closing:
                if not stack or stack.pop() != name:
                    raise ValueError(f"unmatched </{name}> at {position}")
            else:
                if name == "a" and "href=" not in attributes:
                    raise ValueError("<a> without href")
                stack.append(name)
            position = tag.end()
        elif char == "&":
            entity = _ENTITY.match(markup, position)
            if entity is None:
                raise ValueError(f"unsupported entity at {position}")
            out.append(html.unescape(entity.group()))
            position = entity.end()
        elif char == ">":
            raise ValueError(f"unescaped '>' at {position}")
        else:
            out.append(char)
            position += 1
    if stack:
        raise ValueError(f"unclosed <{stack[-1]}>")
    return "".join(out)


_LINK_SPAN = re.compile(r"<a\s[^<>]*>.*?</a>", re.DOTALL)
_HREF = re.compile(r'<a\s+href="([^"]*)"')
# Telegram's own detection of app links (TDLib's find_tg_urls): anywhere, even inside a
# word, in any case; "tg:" must be followed by "//" at once.
_APP_LINK = re.compile(r"(?:tg|ton|tonsite)://[^\s<>\"«»]+", re.IGNORECASE)


def telegram_links(markup: str) -> list[str]:
    """Where the links of a message sent with parse_mode=HTML lead: each `<a href>` (a
    text_link, or a text_mention for tg://user?id=), then each tg://, ton:// or tonsite://
    link Telegram would find by itself in the shown text outside those."""
    targets = [html.unescape(href) for href in _HREF.findall(markup)]
    shown = telegram_html_text(_LINK_SPAN.sub(" ", markup))
    return targets + _APP_LINK.findall(shown)


# --- update builders (the shapes of tests/payloads/telegram/*.json) -------------------------

def user(user_id: int, first_name: str, last_name: str = "", language_code: str = "en"
         ) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        data["last_name"] = last_name
    if language_code:
        data["language_code"] = language_code
    return data


def private_chat(person: dict[str, Any]) -> dict[str, Any]:
    chat = {"id": person["id"], "type": "private", "first_name": person["first_name"]}
    if "last_name" in person:
        chat["last_name"] = person["last_name"]
    return chat


def text_message(person: dict[str, Any], text: str, *, message_id: int,
                 chat: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"message_id": message_id, "from": person,
                               "chat": chat or private_chat(person),
                               "date": int(time.time()), "text": text}
    command = re.match(r"^/\S+", text)
    if command:
        message["entities"] = [{"offset": 0, "length": len(command.group()),
                                "type": "bot_command"}]
    return message


@dataclass
class Upload:
    filename: str
    content: bytes
    content_type: str


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)
    at: float = 0.0


class FakeBotAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.sent: list[dict[str, Any]] = []          # every message the bot sent, in order
        self.pending: list[dict[str, Any]] = []       # updates not confirmed yet
        self.replays: list[dict[str, Any]] = []       # served once more, whatever the offset
        self.blocked: set[int] = set()
        self.failures: dict[str, list[tuple[int, int]]] = {}  # method -> [(status, retry_after)]
        self.webhook: dict[str, Any] = {}
        self._update_id = 500_000
        self.files: dict[str, bytes] = {}              # file_id -> content people sent
        self._message_id = 100
        self._news = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # --- server ---------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._serve)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._serve_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def close(self) -> None:
        self._closing = True
        self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _serve(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await _read_body(request)
        self.calls.append(Call(method, params, files, time.monotonic()))
        failures = self.failures.get(method)
        if failures:
            status, retry_after = failures.pop(0)
            if status == 429:
                return _error(429, f"Too Many Requests: retry after {retry_after}",
                              {"retry_after": retry_after})
            return _error(status, "Internal Server Error")
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params, files)
        except _ApiError as error:
            return _error(error.status, error.description)
        return web.json_response({"ok": True, "result": result})

    async def _serve_file(self, request: web.Request) -> web.Response:
        """What getFile's file_path points at, as api.telegram.org/file/bot<token>/<path>."""
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        content = self.files.get(request.match_info["path"].removeprefix("documents/"))
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="application/octet-stream")

    # --- methods --------------------------------------------------------------------------

    async def _api_getFile(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}

    async def _api_getMe(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return BOT_USER

    async def _api_deleteWebhook(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self.webhook = {}
        return True

    async def _api_setWebhook(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self.webhook = dict(params)
        return True

    async def _api_setMyCommands(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        for command in params.get("commands", []):
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]) or \
                    not 1 <= len(command["description"]) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any],
                                       files: dict[str, Upload]) -> Any:
        return True

    async def _api_getUpdates(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        offset = params.get("offset") or 0
        limit = params.get("limit") or 100
        if offset:  # confirms every update before it, as Telegram does
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            news = self._news
            ready = (self.replays + [u for u in self.pending if u["update_id"] >= offset])[:limit]
            if ready or self._closing or time.monotonic() >= deadline:
                self.replays = self.replays[len(ready):]
                return ready
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(news.wait(), deadline - time.monotonic())

    async def _api_sendMessage(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        chat_id = self._reachable(params)
        text = self._check_text(params, "text", 4096)
        return self._record(chat_id, {"text": text}, params)

    async def _api_sendDocument(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        chat_id = self._reachable(params)
        upload = files.get("document")
        if upload is None:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        caption = self._check_text(params, "caption", 1024) if params.get("caption") else ""
        document = {"file_id": f"DOC{self._message_id}", "file_unique_id": "u1",
                    "file_name": upload.filename, "mime_type": upload.content_type,
                    "file_size": len(upload.content)}
        return self._record(chat_id, {"document": document, "caption": caption}, params,
                            upload)

    async def _api_sendPhoto(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        chat_id = self._reachable(params)
        upload = files.get("photo")
        if upload is None or not upload.content.startswith((b"\x89PNG", b"\xff\xd8")):
            raise _ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        caption = self._check_text(params, "caption", 1024) if params.get("caption") else ""
        photo = [{"file_id": f"PH{self._message_id}", "file_unique_id": "p1", "width": 320,
                  "height": 240, "file_size": len(upload.content)}]
        return self._record(chat_id, {"photo": photo, "caption": caption}, params, upload)

    async def _api_editMessageText(self, params: dict[str, Any],
                                   files: dict[str, Upload]) -> Any:
        message = self._find(params)
        message["text"] = self._check_text(params, "text", 4096)
        message["reply_markup"] = params.get("reply_markup")
        return _public(message)

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any],
                                          files: dict[str, Upload]) -> Any:
        message = self._find(params)
        message["reply_markup"] = params.get("reply_markup")
        return _public(message)

    # --- checks and records ---------------------------------------------------------------

    def _reachable(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise _ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data", "")
                if not button.get("text") or not 1 <= len(data.encode()) <= 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return chat_id

    def _check_text(self, params: dict[str, Any], name: str, limit: int) -> str:
        raw = str(params.get(name, ""))
        if params.get("parse_mode") == "HTML":
            try:
                text = telegram_html_text(raw)
            except ValueError as error:
                raise _ApiError(400, f"Bad Request: can't parse entities: {error}") from error
        else:
            text = raw
        if not text.strip():
            raise _ApiError(400, f"Bad Request: message {name} is empty")
        if utf16_len(text) > limit:
            raise _ApiError(400, f"Bad Request: message {name} is too long")
        return text

    def _record(self, chat_id: int, content: dict[str, Any], params: dict[str, Any],
                upload: Upload | None = None) -> dict[str, Any]:
        self._message_id += 1
        chat = {"id": chat_id, "type": "private", "first_name": "Someone"} if chat_id > 0 \
            else {"id": chat_id, "type": "supergroup", "title": "Mentoring circle"}
        message = {"message_id": self._message_id, "from": BOT_USER, "chat": chat,
                   "date": int(time.time()), **content}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.sent.append({**message, "html": params.get("text") or params.get("caption"),
                          "reply_parameters": params.get("reply_parameters"),
                          "upload": upload})
        return _public(message)

    def _find(self, params: dict[str, Any]) -> dict[str, Any]:
        for message in self.sent:
            if message["chat"]["id"] == params.get("chat_id") and \
                    message["message_id"] == params.get("message_id"):
                return message
        raise _ApiError(400, "Bad Request: message to edit not found")

    # --- driving it from a test -----------------------------------------------------------

    def push(self, body: dict[str, Any], update_id: int | None = None) -> dict[str, Any]:
        """Queue an update (`body` is e.g. {"message": {...}}); returns it with its update_id."""
        if update_id is None:
            self._update_id += 1
            update_id = self._update_id
        update = {"update_id": update_id, **body}
        self.pending.append(update)
        self._wake_pollers()
        return update

    def replay(self, update: dict[str, Any]) -> None:
        """Telegram sends an update again (its confirmation was lost on the way)."""
        self.replays.append(update)
        self._wake_pollers()

    def push_text(self, person: dict[str, Any], text: str,
                  chat: dict[str, Any] | None = None) -> dict[str, Any]:
        self._message_id += 1
        return self.push({"message": text_message(person, text, message_id=self._message_id,
                                                  chat=chat)})

    def push_document(self, person: dict[str, Any], filename: str, content: bytes,
                      caption: str = "") -> dict[str, Any]:
        """A file sent in a private chat, with an optional caption (a command, or words)."""
        self._message_id += 1
        file_id = f"doc{self._message_id}"
        self.files[file_id] = content
        message = text_message(person, caption, message_id=self._message_id)
        del message["text"]
        if "entities" in message:
            message["caption_entities"] = message.pop("entities")
        if caption:
            message["caption"] = caption
        message["document"] = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                               "file_name": filename, "mime_type": "text/csv",
                               "file_size": len(content)}
        return self.push({"message": message})

    def press(self, person: dict[str, Any], message: dict[str, Any], label: str,
              ) -> dict[str, Any]:
        """Tap the button whose label contains `label` under one of the bot's messages."""
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if label.lower() in button["text"].lower():
                    return self.push_callback(person, message, button["callback_data"])
        raise AssertionError(f"no button {label!r} in {message.get('reply_markup')}")

    def push_callback(self, person: dict[str, Any], message: dict[str, Any],
                      data: str) -> dict[str, Any]:
        self._update_id += 1
        query = {"id": f"{self._update_id}77", "from": person, "chat_instance": "-4242",
                 "message": _public(message), "data": data}
        return self.push({"callback_query": query}, self._update_id)

    def fail(self, method: str, status: int = 429, retry_after: int = 1, times: int = 1) -> None:
        self.failures.setdefault(method, []).extend([(status, retry_after)] * times)

    def messages_to(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["chat"]["id"] == chat_id]

    def texts_to(self, chat_id: int) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.messages_to(chat_id)]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 8.0,
                       what: str = "") -> Any:
        """Poll `condition` until it is truthy; fail the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            await asyncio.sleep(0.01)
        sent = [(m["chat"]["id"], (m.get("text") or "")[:60]) for m in self.sent[-8:]]
        raise AssertionError(f"timed out waiting for {what or condition}; last sent: {sent}")

    def _wake_pollers(self) -> None:
        self._news.set()
        self._news = asyncio.Event()


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _error(status: int, description: str, parameters: dict[str, Any] | None = None
           ) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _public(message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as the Bot API returns it (without what the fake keeps for tests)."""
    hidden = {"html", "reply_parameters", "upload"}
    return {k: v for k, v in message.items() if k not in hidden and v not in (None, "")}


async def _read_body(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    params: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    form = await request.post() if request.can_read_body else request.query
    for name, value in form.items():
        if isinstance(value, web.FileField):
            files[name] = Upload(value.filename, value.file.read(), value.content_type)
        elif name in _JSON_FIELDS:
            params[name] = json.loads(value)
        elif name in _INT_FIELDS and re.fullmatch(r"-?\d+", value):
            params[name] = int(value)
        else:
            params[name] = value
    return params, files
