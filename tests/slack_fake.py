"""A local stand-in for Slack: its Web API for the adapter to call, and Slack's way of calling
the adapter (signed HTTP requests, Socket Mode envelopes) for the tests to speak through.

`FakeSlack` listens on 127.0.0.1, port 0, and records every Web API call (method, params,
time, answer). It answers the methods the adapter uses as Slack does, checks Block Kit
payloads against Slack's limits (answering `invalid_blocks` like Slack), and can be told to
answer one 429 with `Retry-After` or an error such as `account_inactive`.
`SlackSender` posts events, slash commands and button presses to the adapter's
`/slack/events`, signed with the signing secret exactly as Slack signs them.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

TEAM = "T0MENTOR"
BOT_USER = "U0BOT"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


# --- Slack's Block Kit limits, as a checker ------------------------------------------------

def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _plain_problems(obj: Any, where: str, limit: int) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") != "plain_text":
        return [f"{where}: not a plain_text object"]
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return [f"{where}: empty text"]
    return [f"{where}: {_units(text)} > {limit} chars"] if _units(text) > limit else []


def _element_problems(element: dict[str, Any], where: str) -> list[str]:
    problems = []
    action_id = element.get("action_id", "")
    if not isinstance(action_id, str) or not 0 < len(action_id) <= 255:
        problems.append(f"{where}: bad action_id")
    if element.get("type") == "button":
        problems += _plain_problems(element.get("text"), f"{where}.text", 75)
        value = element.get("value", "x")
        if not isinstance(value, str) or not 0 < len(value) <= 2000:
            problems.append(f"{where}: button value must be 1-2000 chars")
    elif element.get("type") == "static_select":
        options = element.get("options") or []
        if not 0 < len(options) <= 100:
            problems.append(f"{where}: {len(options)} options (1-100)")
        values = [o.get("value") for o in options]
        if len(set(values)) != len(values):
            problems.append(f"{where}: duplicate option values")
        for n, option in enumerate(options):
            problems += _plain_problems(option.get("text"), f"{where}.options[{n}]", 75)
            if not isinstance(option.get("value"), str) or not 0 < len(option["value"]) <= 150:
                problems.append(f"{where}.options[{n}]: value must be 1-150 chars")
    else:
        problems.append(f"{where}: unexpected element {element.get('type')}")
    return problems


def block_kit_problems(blocks: Any, max_blocks: int = 50) -> list[str]:
    """Every way `blocks` breaks Slack's limits (empty when Slack would accept it)."""
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    problems = [f"{len(blocks)} blocks > {max_blocks}"] if len(blocks) > max_blocks else []
    for number, block in enumerate(blocks):
        where = f"blocks[{number}]"
        kind = block.get("type")
        if kind == "section":
            text = (block.get("text") or {}).get("text")
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{where}: empty section text")
            elif _units(text) > 3000:
                problems.append(f"{where}: section text {_units(text)} > 3000 chars")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= 25:
                problems.append(f"{where}: {len(elements)} elements (1-25)")
            ids = [e.get("action_id") for e in elements]
            if len(set(ids)) != len(ids):
                problems.append(f"{where}: duplicate action_id")
            for n, element in enumerate(elements):
                problems += _element_problems(element, f"{where}.elements[{n}]")
        elif kind == "header":
            problems += _plain_problems(block.get("text"), f"{where}.text", 150)
        elif kind == "context":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= 10:
                problems.append(f"{where}: {len(elements)} context elements (1-10)")
        elif kind != "divider":
            problems.append(f"{where}: unexpected block type {kind}")
    return problems


# --- the Web API ---------------------------------------------------------------------------

@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    answer: dict[str, Any] = field(default_factory=dict)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.shared: dict[str, bytes] = {}            # files people shared, by id
        self.errors: dict[tuple[str, str], str] = {}
        self.rate_limited: dict[str, int] = {}
        self.rate_limits: dict[str, list[int]] = {}  # method -> Retry-After of each next 429
        self.socket_acks: list[str] = []
        # Seconds chat.postMessage takes to answer, after the message is recorded (posted):
        # a sender killed meanwhile never learns that it went out.
        self.post_delay = 0.0
        self._ts = itertools.count(1)
        self._files = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.base = ""

    # -- set-up by the tests --

    def add_user(self, user_id: str, name: str, *, tz: str = "Europe/Paris",
                 locale: str = "en-US") -> None:
        self.users[user_id] = {
            "id": user_id, "team_id": TEAM, "name": name.lower(), "real_name": name,
            "tz": tz, "tz_label": tz, "tz_offset": 3600, "locale": locale, "deleted": False,
            "is_bot": False, "profile": {"display_name": name, "real_name": name},
        }

    def fail(self, method: str, error: str, target: str) -> None:
        """Answer `method` with `error` when it concerns `target` (a channel or user id)."""
        self.errors[(method, target)] = error

    def rate_limit_once(self, method: str, retry_after: int = 1) -> None:
        self.rate_limited[method] = retry_after

    def rate_limit(self, method: str, *retry_afters: int) -> None:
        """Answer the next calls to `method` with 429, one per value (its Retry-After)."""
        self.rate_limits.setdefault(method, []).extend(retry_afters)

    # -- what the tests read --

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def posted_to(self, user_id: str) -> list[dict[str, Any]]:
        """chat.postMessage params (and the `ts` Slack gave) accepted in `user_id`'s DM."""
        return [{**c.params, "ts": c.answer["ts"]} for c in self.calls_to("chat.postMessage")
                if c.params.get("channel") == dm_channel(user_id) and c.answer.get("ok")]

    # -- server --

    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        return f"{self.base}/api/"

    async def close(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        if method not in self.rate_limited and self.rate_limits.get(method):
            self.rate_limited[method] = self.rate_limits[method].pop(0)
        if method in self.rate_limited:
            retry_after = self.rate_limited.pop(method)
            call.status, call.answer = 429, {"ok": False, "error": "ratelimited"}
            return web.json_response(call.answer, status=429,
                                     headers={"Retry-After": str(retry_after)})
        if method == "chat.postMessage" and self.post_delay:
            await asyncio.sleep(self.post_delay)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            call.answer = {"ok": False, "error": "invalid_auth"}
        else:
            call.answer = self._answer(method, params)
        return web.json_response(call.answer)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        target = str(params.get("channel") or params.get("users") or params.get("user")
                     or params.get("channel_id") or params.get("user_id") or "")
        if (method, target) in self.errors:
            return {"ok": False, "error": self.errors[(method, target)]}
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(params)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://mentor-test.slack.com/", "team": "Mentor Test",
                "user": "mentorbot", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0BOT",
                "is_enterprise_install": False}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        shown = dict(user)
        if str(params.get("include_locale")).lower() not in ("1", "true"):
            shown.pop("locale")
        return {"ok": True, "user": shown}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("users") or "")
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": dm_channel(user)}}

    def _message_answer(self, params: dict[str, Any], max_blocks: int = 50) -> dict[str, Any]:
        blocks = params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if blocks is not None:
            problems = block_kit_problems(blocks, max_blocks)
            if problems:
                return {"ok": False, "error": "invalid_blocks", "errors": problems}
        ts = f"1700000000.{next(self._ts):06d}"
        return {"ok": True, "channel": params.get("channel"), "ts": ts,
                "message": {"text": params.get("text"), "blocks": blocks, "ts": ts}}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message_answer(params)

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        answer = self._message_answer(params)
        if answer["ok"]:
            answer["ts"] = params.get("ts")
        return answer

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        problems = block_kit_problems((view or {}).get("blocks"), 100)
        if problems:
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
        return {"ok": True, "view": {"id": "V0HOME", **(view or {})}}

    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._files):08d}"
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(params.get("files") or "[]")
        missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")}
                                      for f in files]}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.base.replace("http", "ws", 1) + "/socket"}

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        content = await request.read()
        self.uploads[file_id] = content
        self.calls.append(Call("upload", {"file_id": file_id, "size": len(content)},
                               time.monotonic()))
        return web.Response(text=f"OK - {len(content)}")

    def share(self, name: str, content: bytes) -> dict[str, Any]:
        """A file a person shares: what Slack puts in the `file_share` event's `files`."""
        file_id = f"F0SHARED{next(self._files)}"
        self.shared[file_id] = content
        return {"id": file_id, "name": name, "mimetype": "text/csv", "filetype": "csv",
                "size": len(content),
                "url_private_download": f"{self.base}/files-pri/{file_id}/{name}"}

    async def _download(self, request: web.Request) -> web.Response:
        """files.slack.com: a shared file, for a bot token only."""
        self.calls.append(Call("files-pri", {"file_id": request.match_info["file_id"]},
                               time.monotonic()))
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            return web.Response(status=403)
        content = self.shared.get(request.match_info["file_id"])
        return web.Response(body=content) if content is not None else web.Response(status=404)

    # -- Socket Mode: Slack pushes envelopes over a websocket and waits for their ack --

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A0MENTOR"}})
        async for message in socket:
            if message.type == aiohttp.WSMsgType.TEXT:
                envelope_id = json.loads(message.data).get("envelope_id")
                if envelope_id:
                    self.socket_acks.append(envelope_id)
        self._sockets.remove(socket)
        return socket

    async def push(self, kind: str, payload: dict[str, Any]) -> str:
        """Send an envelope (`events_api`, `slash_commands`, `interactive`) to the app."""
        for _ in range(200):
            if self._sockets:
                break
            await asyncio.sleep(0.02)
        envelope_id = str(uuid.uuid4())
        await self._sockets[0].send_json({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
            "retry_reason": ""})
        return envelope_id


def dm_channel(user_id: str) -> str:
    return "D" + user_id.removeprefix("U")


# --- Slack calling the adapter -------------------------------------------------------------

def signature(secret: str, timestamp: str, body: str) -> str:
    """`v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`, as Slack signs every request."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return "v0=" + digest.hexdigest()


class SlackSender:
    """Posts to the adapter's `/slack/events` as Slack does."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.secret = secret

    async def post(self, body: str, content_type: str, *, retry: int = 0,
                   timestamp: int | None = None, secret: str | None = None) -> int:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": signature(secret or self.secret, ts, body)}
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        async with aiohttp.ClientSession() as session, \
                session.post(self.url, data=body.encode(), headers=headers) as response:
            await response.read()
            return response.status

    async def event(self, payload: dict[str, Any], **options: Any) -> int:
        return await self.post(json.dumps(payload), "application/json", **options)

    async def command(self, fields: dict[str, str], **options: Any) -> int:
        return await self.post(urlencode(fields), "application/x-www-form-urlencoded",
                               **options)

    async def interaction(self, payload: dict[str, Any], **options: Any) -> int:
        return await self.post(urlencode({"payload": json.dumps(payload)}),
                               "application/x-www-form-urlencoded", **options)
