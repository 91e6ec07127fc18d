"""`Bot.handle(event) -> list[Reply]`: one inbound event, one transaction, its replies.

The inbox claim, the domain change, the conversation state and any outbox rows commit
together; a duplicate delivery (same platform event id) has no second effect; an
unexpected error rolls everything back and the person gets a polite apology in their
language instead of a stack trace. A handler's heavy read (`Context.answer_from_snapshot`)
runs after the commit, on a snapshot, so that it never holds the write lock others wait for.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from rapidfuzz import fuzz, process

from bot.kernel import people
from bot.kernel.context import Context, Later, Services
from bot.kernel.events import Action, Address, Command, Event, Message, Reply
from bot.kernel.i18n import normalise_language
from bot.kernel.not_ready import retried_when_ready
from bot.kernel.router import Router
from bot.onboarding import coordinator_home, language_memory, onboarding
from bot.store.db import Database, Tx
from bot.store.state import claim_inbound, get_conversation
from bot.text.phrases import PhraseBook

log = logging.getLogger(__name__)

MAX_TEXT = 4000       # longer inbound texts are refused before any parsing
MAX_VALUE = 200       # a button value longer than this is forged
_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_COMMAND_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def clean_text(text: str) -> str:
    """Unicode NFC, no terminal escapes, control or bidi-override characters, trimmed."""
    text = _ANSI.sub("", unicodedata.normalize("NFC", text))
    return _CONTROL.sub("", text).strip()


class Bot:
    def __init__(self, db: Database, services: Services, router: Router) -> None:
        self.db = db
        self.services = services
        self.router = router
        # What people type instead of a command ("aide", "changer de mentor", "stop").
        self.phrases = PhraseBook.load(services.config.content_path() / "phrases.toml")
        unknown = self.phrases.commands() - set(router.commands)
        if unknown:
            raise ValueError(f"content/phrases.toml names unknown commands: {sorted(unknown)}")

    async def handle(self, event: Event) -> list[Reply]:
        try:
            # Run again whole if it needs what is still being prepared (bot/kernel/not_ready.py).
            replies, later = await retried_when_ready(lambda: self._transaction(event))
            for work in later:  # heavy reads, once the lock is free for others
                async with self.db.snapshot() as snapshot:
                    replies += await work(snapshot)
            return replies
        except Exception:
            log.exception("inbound.failed", extra={"event": type(event).__name__,
                                                   "user": event.user.user_id})
            lang = await self._language_of(event.user)
            return [Reply(event.user, self.services.catalogue.text(lang, "common.error"))]

    async def _transaction(self, event: Event) -> tuple[list[Reply], list[Later]]:
        """The event's own transaction: its replies, and the reads to do after it."""
        async with self.db.transaction() as tx:
            now = self.services.clock.now()
            if event.event_id and not await claim_inbound(
                tx, _event_key(event.user, event.event_id), now
            ):
                log.info("inbound.duplicate", extra={"event_id": event.event_id})
                return [], []
            person = await self._person(tx, event)
            ctx = Context(tx, self.services, event.user, person, now,
                          attachment=getattr(event, "attachment", None))
            return await self._route(ctx, event), ctx.later

    async def _person(self, tx: Tx, event: Event) -> people.Person:
        # Names refreshed from the event when the platform's changed (no write otherwise).
        person = await people.recognise(tx, event.user, self.services.clock.now())
        if person is not None:
            return person
        programme_id = self._programme_for(event)
        # Someone who used /forget is answered in the language they spoke (only that is kept).
        language = await language_memory.recall(tx, event.user) or normalise_language(
            event.user.locale or self.services.config.bot.language)
        # Coordinators find people by it (/admin person @handle): the console handle, or
        # the Slack / Telegram username.
        handle = event.user.user_id if event.user.platform == "console" else event.user.username
        return await people.create(tx, event.user, programme_id, language,
                                   self.services.clock.now(), handle=handle)

    def _programme_for(self, event: Event) -> int:
        """The programme a newcomer joins: a deep-link code, the one the config makes them a
        coordinator of, their Slack team, or the first."""
        programmes = self.services.config.programmes
        if isinstance(event, Command) and event.name == "start" and event.args.strip():
            code = event.args.strip()
            for key, settings in programmes.items():
                if settings.join_code and settings.join_code == code:
                    return self.services.programme_ids[key]
        key_text = ":".join(event.user.key)
        for key, settings in programmes.items():
            if key_text in settings.coordinators:
                return self.services.programme_ids[key]
        if event.user.platform == "slack":
            for key, settings in programmes.items():
                if settings.slack_team and settings.slack_team == event.user.workspace:
                    return self.services.programme_ids[key]
        return self.services.programme_ids[next(iter(programmes))]

    async def _language_of(self, address: Address) -> str:
        try:
            async with self.db.read() as tx:
                person = await people.find_by_address(tx, address)
        except Exception:
            person = None
        return person.language if person else normalise_language(address.locale)

    async def _route(self, ctx: Context, event: Event) -> list[Reply]:
        for gate in self.router.gates:
            if (instead := await gate(ctx, event)) is not None:
                return instead
        match event:
            case Command():
                return await self._command(ctx, event)
            case Action():
                return await self._action(ctx, event)
            case Message():
                return await self._message(ctx, event)
        return []

    async def _command(self, ctx: Context, event: Command) -> list[Reply]:
        name = event.name.lower().lstrip("/").split("@", 1)[0]
        args = clean_text(event.args)
        if len(args) > MAX_TEXT:
            return [ctx.say("common.too_long", length=len(args), limit=MAX_TEXT)]
        spec = self.router.commands.get(name) if _COMMAND_NAME.match(name) else None
        if spec is None:
            return [self._unknown_command(ctx, name)]
        if spec.needs_profile and not ctx.person.active:
            return await onboarding.needs_profile(ctx)
        log.info("command", extra={"command": spec.name, "person": ctx.person.id})
        return await spec.handler(ctx, args)

    def _unknown_command(self, ctx: Context, name: str) -> Reply:
        shown = re.sub(r"[^\w-]", "", name)[:32]
        text = ctx.t("common.unknown_command", name=shown)
        suggestion = self._closest_command(name[:32])
        hint = ctx.t("common.did_you_mean", suggestion=suggestion) if suggestion else \
            ctx.t("common.help_hint")
        return ctx.reply(f"{text} {hint}")

    def _closest_command(self, name: str) -> str | None:
        """The command meant by a mistyped or shortened one: a plain word for it ("/aide"),
        the one it begins ("/notif"), or one a typo away ("/fnid"). A whole-word ratio, not
        WRatio: its partial matching offered /forget for "/foo" and /profile for "/f"."""
        if not name:
            return None
        meaning = self.phrases.understand(name)
        if meaning is not None:
            return meaning.command
        known = [n for n, spec in self.router.commands.items() if not spec.admin]
        starting = [n for n in known if n.startswith(name)]
        if len(name) >= 3 and len(starting) == 1:
            return starting[0]
        best = process.extractOne(name, known, scorer=fuzz.ratio, score_cutoff=70)
        return best[0] if best else None

    async def _action(self, ctx: Context, event: Action) -> list[Reply]:
        handler = self.router.actions.get(event.action_id)
        if handler is None or len(event.value) > MAX_VALUE:
            log.info("action.unknown", extra={"person": ctx.person.id})
            return [ctx.say("common.unknown_button")]
        return await handler(ctx, clean_text(event.value))

    async def _message(self, ctx: Context, event: Message) -> list[Reply]:
        text = clean_text(event.text)
        if len(text) > MAX_TEXT:
            return [ctx.say("common.too_long", length=len(text), limit=MAX_TEXT)]
        conv = await get_conversation(ctx.tx, ctx.person.id)
        if conv is not None and conv.flow in self.router.flows:
            if not text:
                return [ctx.say("common.empty")]
            if self.phrases.in_flow(text) is not None:  # "stop" in a question: /cancel
                return await self._command(ctx, Command(event.user, "cancel", ""))
            if self.phrases.asks_for_help(text):  # "aide" is not a topic, a reason, a note…
                return [ctx.say("help.in_question")]
            return await self.router.flows[conv.flow](ctx, conv, text)
        if ctx.person.status == "new":  # a coordinator is welcomed as one, not onboarded
            return await coordinator_home.start(ctx)
        meaning = self.phrases.understand(text)
        if meaning is not None:
            log.info("message.understood", extra={"command": meaning.command,
                                                  "person": ctx.person.id})
            return await self._command(ctx, Command(event.user, meaning.command, meaning.args))
        for answer_to in self.router.texts:  # a question asked earlier, answered in words
            if (replies := await answer_to(ctx, text)) is not None:
                return replies
        if self.phrases.acknowledges(text):  # "merci", "👍": not "I'm not sure what you mean"
            return [ctx.say("phrases.welcome")]
        return [ctx.say("phrases.not_understood")]


def _event_key(user: Address, event_id: str) -> str:
    return f"{user.platform}:{user.workspace}:{event_id[:200]}"
