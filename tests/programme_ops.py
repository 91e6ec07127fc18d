"""Helpers for the programme-operations stories: an app whose programme has the settings a
story needs, onboarding typed the way a person would, and a file sent with a command."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.console import Console, ConsoleTransport
from bot.kernel.app import App, build_app
from bot.kernel.clock import SimulatedClock
from bot.kernel.events import Attachment, Command, Reply
from tests.conftest import START, Chat, make_config

COORDINATORS = ["console:local:coord", "console:local:coordo"]

BuildApp = Callable[..., Awaitable[App]]


@pytest.fixture
async def programme_app(tmp_path: Path) -> AsyncIterator[BuildApp]:
    """`await programme_app(mentor_approval=True, ...)`: the app of a programme with these
    settings (coordinators: @coord in English, @coordo in French), at START."""
    apps: list[App] = []

    async def build(**settings: Any) -> App:
        config = make_config(tmp_path)
        config.programmes["main"].coordinators = list(COORDINATORS)
        for name, value in settings.items():
            setattr(config.programmes["main"], name, value)
        app = await build_app(config, SimulatedClock(START))
        apps.append(app)
        return app

    yield build
    for app in apps:
        await app.close()


async def coordinators(app: App) -> tuple[Chat, Chat]:
    """@coord (English) and @coordo (French), known to the bot (alerts reach them)."""
    coord, coordo = Chat(app, "coord"), Chat(app, "coordo", locale="fr-CA")
    await coord.say("/admin help")
    await coordo.say("/admin help")
    return coord, coordo


async def send_file(chat: Chat, command: str, filename: str, content: bytes) -> list[Reply]:
    """`/admin import` with a file attached, as an upload reaches the core."""
    name, _, args = command.lstrip("/").partition(" ")
    return await chat._send(Command(chat.address, name, args, attachment=Attachment(
        filename, content, "text/csv")))


async def onboard(chat: Chat, *, lang: str = "en", role: str = "mentee",
                  topics: str = "project management, public speaking",
                  languages: str = "", invited: bool = False,
                  conduct: str | None = None) -> None:
    """A whole onboarding, typed. `invited`: the roster gave language, role, department and
    seniority (not asked); `conduct`: the label to press on the code of conduct."""
    fr = lang == "fr"
    if not invited:
        await chat.say("/start")
        await chat.say("français" if fr else "english")
    await chat.say("oui" if fr else "yes")  # consent
    if conduct is not None:
        await chat.press_label(conduct)
    if not invited:
        await chat.say(role)
    await chat.say(topics)
    if role == "both":  # the topics sought, then the topics offered
        await chat.say(topics)
    await chat.say("Je veux apprendre à mener des projets." if fr
                   else "I want to learn to lead projects well.")
    await chat.say(languages or ("français, anglais" if fr else "English, French"))
    await chat.say("America/Toronto")
    await chat.say("mardi 17h-19h" if fr else "Tue 5-7pm")
    if not invited:
        await chat.say("3")
        await chat.say("/skip")
    if role in ("mentor", "both"):
        await chat.say("2")


class Deliveries:
    """Proactive messages through the real dispatcher, to console and Slack addresses (the
    console transport prints either kind of address as `→ @<user id>: text`)."""

    def __init__(self, app: App) -> None:
        self.out = io.StringIO()
        self.console = Console(app, out=self.out)
        self.console.dispatcher = app.dispatcher({
            "console": self.console.transport, "slack": ConsoleTransport(self.out)})

    async def deliver(self) -> dict[str, list[str]]:
        start = len(self.out.getvalue())
        await self.console.deliver_due()
        received: dict[str, list[str]] = {}
        for block in self.out.getvalue()[start:].split("→ @")[1:]:
            handle, _, text = block.partition(": ")
            received.setdefault(handle, []).append(text)
        return received

    def give_buttons(self, chat: Chat) -> None:
        chat.buttons = list(self.console.transport.latest_buttons[chat.address.user_id])
