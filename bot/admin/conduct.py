"""A programme's code of conduct: shown during onboarding after consent, accepted or declined,
asked again when it changes.

`[programmes.<code>] code_of_conduct = "conduct"` names the files `content/conduct.en.md` and
`content/conduct.fr.md` (a value with a "/" is a path stem: "/srv/mb/code" →
"/srv/mb/code.fr.md"). Each file may start with a header between `+++` lines:

    +++
    version = "2027-01"
    title = "Code of conduct"
    +++

`version` decides when people are asked again: change it and everyone accepts the new code
at their next interaction (without it, any edit of either file is a new version). Every
answer (version, language, yes or no, when) is kept in `conduct_answers`: /mydata and the
export show it. A "no" stops onboarding politely. Until a person has accepted the current
version they are held back from matching (bot/mentoring/eligibility.py): not suggested, not
placed by cohort matching, and asked to accept before /find or answering a request. A new version is
noticed at the next start, or at the first interaction after the file changed (the holds of
the whole programme are recomputed then, once).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.admin.export import ExportTable, register_table
from bot.kernel import people
from bot.kernel.clock import to_iso
from bot.kernel.config import Config, ConfigError, ProgrammeSettings
from bot.kernel.context import Context, Services
from bot.kernel.domain_events import Started
from bot.kernel.events import Action, Button, Command, Event, Message, Reply
from bot.kernel.i18n import LANGUAGES
from bot.kernel.outbox import Outgoing
from bot.kernel.router import Gate, Router
from bot.mentoring import eligibility
from bot.store.db import Tx
from bot.store.state import get_conversation

log = logging.getLogger(__name__)

A_ANSWER = "conduct.answer"   # value: "<version>|yes" or "<version>|no"
MAX_TEXT = 2800               # one chat message (Slack sections 3,000, Telegram 4,096)
# What a person may still do before accepting a changed code: their data, their language,
# help, a report about someone, blocking, and coordinators' work.
OPEN_COMMANDS = frozenset({"mydata", "forget", "consent", "language", "help", "report",
                           "block", "admin", "start"})
OPEN_ACTIONS = ("privacy.", "report.", "block", "language", "admin.", A_ANSWER)


@dataclass(frozen=True)
class Document:
    version: str
    titles: dict[str, str]
    bodies: dict[str, str]

    def text(self, lang: str) -> tuple[str, str]:
        lang = lang if lang in self.bodies else LANGUAGES[0]
        return self.titles[lang], self.bodies[lang]


def paths(config: Config, value: str) -> dict[str, Path]:
    stem = Path(value) if "/" in value else config.content_path() / value
    return {lang: stem.with_name(f"{stem.name}.{lang}.md") for lang in LANGUAGES}


@functools.lru_cache(maxsize=16)
def _read(path: str, mtime_ns: int) -> tuple[dict[str, Any], str]:
    """(header, body) of one file; the modification time keys the cache, so an edited file
    is read again and its new version asked at the next interaction."""
    text = Path(path).read_text(encoding="utf-8").replace("\r\n", "\n")
    header: dict[str, Any] = {}
    if text.startswith("+++\n"):
        end = text.find("\n+++", 4)
        if end < 0:
            raise ValueError("the header is never closed by a +++ line")
        header = tomllib.loads(text[4:end])
        text = text[end + 4:]
    return header, text.strip()


def load(config: Config, settings: ProgrammeSettings) -> Document | None:
    """The programme's code of conduct, or None when it has none. Raises ValueError (or
    OSError) with what is wrong."""
    if not settings.code_of_conduct:
        return None
    titles, bodies, versions = {}, {}, []
    digest = hashlib.sha256()
    for lang, path in paths(config, settings.code_of_conduct).items():
        header, body = _read(str(path), path.stat().st_mtime_ns)
        if not body:
            raise ValueError(f"{path} is empty")
        title = str(header.get("title", "")).strip()
        if len(title) + len(body) > MAX_TEXT:
            raise ValueError(f"{path} is longer than one chat message ({MAX_TEXT} characters)")
        titles[lang], bodies[lang] = title, body
        versions.append(str(header.get("version", "")).strip())
        digest.update(body.encode("utf-8"))
    version = versions[0] if versions[0] and len(set(versions)) == 1 else \
        digest.hexdigest()[:12]
    return Document(version[:40], titles, bodies)


def document(services: Services, programme_id: int) -> Document | None:
    settings = eligibility.settings_of(services, programme_id)
    if settings is None or not settings.code_of_conduct:
        return None
    try:
        return load(services.config, settings)
    except (OSError, ValueError, tomllib.TOMLDecodeError):
        # Checked at start-up (problems()); a file broken since is logged, not shown.
        log.exception("conduct.unreadable", extra={"programme": programme_id})
        return None


def problems(config: Config) -> list[str]:
    """Start-up check: every configured code of conduct reads, in both languages."""
    found = []
    for code, settings in config.programmes.items():
        try:
            load(config, settings)
        except OSError as exc:
            found.append(f"[programmes.{code}] code_of_conduct: cannot read {exc.filename}"
                         f" ({exc.strerror})")
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            found.append(f"[programmes.{code}] code_of_conduct: {exc}")
    return found


# --- answers -----------------------------------------------------------------------------------

async def latest(tx: Tx, person_id: int) -> Any:
    return await tx.one("SELECT version, decision, answered_at FROM conduct_answers"
                        " WHERE person_id = ? ORDER BY id DESC LIMIT 1", (person_id,))


async def accepted_current(ctx: Context) -> bool:
    """Has the person accepted the programme's current code (True when it has none)?"""
    doc = document(ctx.services, ctx.person.programme_id)
    if doc is None:
        return True
    row = await latest(ctx.tx, ctx.person.id)
    return row is not None and row["decision"] == "accepted" and row["version"] == doc.version


async def record(ctx: Context, doc: Document, accepted: bool) -> None:
    await ctx.tx.execute(
        "INSERT INTO conduct_answers (person_id, programme_id, version, language, decision,"
        " answered_at) VALUES (?, ?, ?, ?, ?, ?)",
        (ctx.person.id, ctx.person.programme_id, doc.version, ctx.lang,
         "accepted" if accepted else "declined", to_iso(ctx.now)))
    ctx.person = (await eligibility.refresh(ctx.tx, ctx.services, ctx.person)).person


def chat_markup(markdown: str) -> str:
    """The file's Markdown `**bold**` in the catalogues' markup, `*bold*`."""
    return re.sub(r"\*\*(.+?)\*\*", r"*\1*", markdown)


def ask(ctx: Context, doc: Document, action_id: str, value_prefix: str,
        intro_key: str = "") -> Reply:
    title, body = doc.text(ctx.lang)
    parts = [ctx.t(intro_key)] if intro_key else []
    parts += [f"*{title}*" if title else "", chat_markup(body), ctx.t("conduct.question")]
    return ctx.reply("\n\n".join(p for p in parts if p), [
        Button(ctx.t("conduct.accept"), action_id, f"{value_prefix}|yes"),
        Button(ctx.t("conduct.decline"), action_id, f"{value_prefix}|no"),
    ])


# --- a changed code, at the next interaction ---------------------------------------------------

def _open(router: Router, event: Event) -> bool:
    if isinstance(event, Command):
        spec = router.commands.get(event.name.lower().lstrip("/").split("@", 1)[0])
        return spec is not None and (spec.name in OPEN_COMMANDS or spec.admin)
    if isinstance(event, Action):
        return event.action_id.startswith(OPEN_ACTIONS)
    return False


def gate(router: Router) -> Gate:
    settled: dict[int, str] = {}  # programme id -> the code's version its holds know (here)

    async def ask_first(ctx: Context, event: Event) -> list[Reply] | None:
        """An active participant whose programme's code changed since they accepted it (or
        who joined before it existed) accepts it before anything else."""
        if not ctx.person.active or _open(router, event):
            return None
        doc = document(ctx.services, ctx.person.programme_id)
        if doc is None:
            return None
        programme_id = ctx.person.programme_id
        if settled.get(programme_id) != doc.version:
            # The file changed while the bot ran: everyone who has not accepted this version
            # leaves matching now, not at the next start (once per version and process).
            if await eligibility.settle(ctx.tx, ctx.services, programme_id):
                ctx.person = await people.get(ctx.tx, ctx.person.id) or ctx.person
            settled[programme_id] = doc.version
        row = await latest(ctx.tx, ctx.person.id)
        if row is not None and row["decision"] == "accepted" and row["version"] == doc.version:
            return None
        if "conduct" not in ctx.person.matching_hold.split():  # held until they accept
            ctx.person = (await eligibility.refresh(ctx.tx, ctx.services, ctx.person)).person
        if isinstance(event, Message) and await get_conversation(ctx.tx, ctx.person.id):
            return None  # typing into a conversation an open command began (a report)
        intro = "conduct.declined_before" if row is not None and row["decision"] == "declined" \
            and row["version"] == doc.version else "conduct.changed"
        return [ask(ctx, doc, A_ANSWER, doc.version, intro)]
    return ask_first


async def waiting_for_mentee(ctx: Context, mentee: Any, request_id: int) -> list[Reply] | None:
    """A mentor accepting a request whose mentee has not accepted the current code (the
    request predates it): the relationship waits for them; the mentee is asked, once."""
    if "conduct" not in mentee.matching_hold.split():
        return None
    await ctx.notify(mentee.id, Outgoing(key="conduct_hold.tell_mentee",
                                         params={"mentor": ctx.person.name}),
                     key=f"conduct-wait:{request_id}")
    return [ctx.say("conduct_hold.mentee_first", name=mentee.name)]


async def press_answer(ctx: Context, value: str) -> list[Reply]:
    version, _, answer = value.rpartition("|")
    doc = document(ctx.services, ctx.person.programme_id)
    if doc is None or answer not in ("yes", "no") or not ctx.person.active:
        return [ctx.say("common.unknown_button")]
    if version != doc.version:
        return [ctx.say("common.stale_button"), ask(ctx, doc, A_ANSWER, doc.version)]
    await record(ctx, doc, answer == "yes")
    if answer == "yes":
        return [ctx.say("conduct.thanks_again")]
    return [ctx.say("conduct.declined_active")]


def register(router: Router, registry: Any) -> None:
    router.gate(gate(router))
    router.action(A_ANSWER, press_answer)

    async def check(tx: Tx, services: Services, event: Started) -> None:
        """What `mentorbot check-config` refuses, refused by any start (tests included)."""
        from bot.mentoring.readiness import (
            problems as operations_problems,  # it imports this module
        )

        found = operations_problems(services.config)
        if found:
            raise ConfigError(found[0])

    router.hooks.on(Started, check)

    register_table(ExportTable(
        "conduct_answers",
        "SELECT c.id, pr.code AS programme, c.person_id, c.version, c.language, c.decision,"
        " c.answered_at FROM conduct_answers c JOIN programmes pr ON pr.id = c.programme_id"
        " WHERE (:programme IS NULL OR pr.code = :programme) ORDER BY c.id"))
