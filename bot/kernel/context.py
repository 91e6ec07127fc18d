"""What a handler gets: the open transaction, the person, their language, and the services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.kernel import outbox
from bot.kernel.events import Address, Attachment, Button, Reply
from bot.kernel.i18n import Catalogue
from bot.kernel.people import Person
from bot.store.db import Tx

if TYPE_CHECKING:
    from bot.kernel.clock import Clock
    from bot.kernel.config import Config
    from bot.kernel.domain_events import DomainEvent
    from bot.kernel.hooks import Hooks
    from bot.mentoring.matchmaking import Matchmaker
    from matching.topics import Taxonomy


@dataclass
class Services:
    """Everything built once at start-up by the composition root (bot/kernel/app.py)."""

    config: Config
    catalogue: Catalogue
    clock: Clock
    taxonomy: Taxonomy
    programme_ids: dict[str, int]  # programme code -> row id
    matchmaker: Matchmaker
    hooks: Hooks

    def programme_name(self, programme_id: int, lang: str = "") -> str:
        """The programme's name; with `lang`, a programme left with the default English name
        reads in that language ("Programme de mentorat", not "Mentoring programme")."""
        from bot.kernel.config import ProgrammeSettings

        for code, pid in self.programme_ids.items():
            if pid == programme_id:
                name = self.config.programmes[code].name
                if lang and name == ProgrammeSettings.name:
                    return self.catalogue.text(lang, "common.programme_default_name")
                return name
        return ""


# A read that answers from a snapshot once the event's transaction has committed.
Later = Callable[[Tx], Awaitable[list[Reply]]]


@dataclass
class Context:
    tx: Tx
    services: Services
    address: Address
    person: Person
    now: datetime
    later: list[Later] = field(default_factory=list)
    attachment: Attachment | None = None  # the file that came with the event, if any

    @property
    def lang(self) -> str:
        return self.person.language

    def t(self, key: str, /, **params: Any) -> str:
        return self.services.catalogue.text(self.lang, key, **params)

    def join(self, items: list[str]) -> str:
        return self.services.catalogue.join(self.lang, items)

    def reply(self, text: str, buttons: list[Button] | tuple[Button, ...] = (),
              choices: list[Button] | tuple[Button, ...] = ()) -> Reply:
        return Reply(self.address, text, tuple(buttons), tuple(choices))

    def say(self, key: str, /, buttons: list[Button] | tuple[Button, ...] = (),
            **params: Any) -> Reply:
        return self.reply(self.t(key, **params), buttons)

    def answer_from_snapshot(self, work: Later) -> list[Reply]:
        """Run `work` after this event commits, off the write lock, on a snapshot of the
        database (bot/kernel/core.py): heavy figures then never make other people's events wait.
        Its replies follow the handler's; returns no reply of its own."""
        self.later.append(work)
        return []

    async def emit(self, event: DomainEvent, /) -> None:
        """Tell handlers (nudges, points...) about a change, inside this transaction."""
        await self.services.hooks.emit(self.tx, self.services, event)

    async def notify(self, person_id: int, message: outbox.Outgoing, *, key: str,
                     delay: timedelta = timedelta(0), kind: str = "message") -> bool:
        """Queue a message to another person, committed with this event's changes."""
        return await outbox.enqueue(self.tx, person_id, message, due_at=self.now + delay,
                                    key=key, kind=kind)
