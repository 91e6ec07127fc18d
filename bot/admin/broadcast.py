"""`/admin broadcast <audience> <text>`: one message to many people of the programme.

The command only stores a draft and shows a preview — how many people it would reach and
the message as they will read it — with *Send* and *Cancel*. *Send* works out the audience
again at that moment and queues one outbox row per recipient with the idempotency key
`broadcast:<id>:<person>`: pressing *Send* twice (or a platform delivering the press twice)
cannot queue anyone a second time. The dispatcher paces delivery per platform.

Audiences, always within the coordinator's programme: `all` (everyone active), `mentors`,
`mentees` (people who are both count in each), `unmatched` (active mentees without a
mentor, as `/admin unmatched` lists them), `active-pairs` (both sides of every active
relationship) and `status:<status>` for `active`, `onboarding` or `new`. Suspended people
and those who refused the data terms never receive a broadcast, nor do coordinators who do
not take part themselves.

Each recipient reads it in their language (issue 13): the coordinator writes it once — in
their own language — or once per language (`en: … | fr: …`), or adds the other version
from the preview (*Add the French version*). A reader whose language has no version gets
the other one after a short note saying so; the preview shows every version as it will be
read, with how many people read it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import timedelta
from typing import Any

from bot.admin import staff_time
from bot.admin.admin import AdminRegistry, admin_action
from bot.admin.admin_people import unmatched_mentees
from bot.kernel.clock import to_iso
from bot.kernel.context import Context
from bot.kernel.dispatcher import render
from bot.kernel.events import Button, Reply
from bot.kernel.ids import parse_number
from bot.kernel.languages import language_name
from bot.kernel.outbox import Outgoing
from bot.kernel.roles import audit, describe, is_coordinator, participant_sql
from bot.kernel.router import Router
from bot.store.db import Tx
from bot.store.schema_map import chunks, marks
from bot.store.state import Conversation, clear_conversation, set_conversation
from bot.text.figure_text import number

A_SEND = "admin.broadcast.send"       # value: broadcast id
A_CANCEL = "admin.broadcast.cancel"   # value: broadcast id
A_ADD = "admin.broadcast.add"         # value: "<broadcast id>:<language>" — add that version
F_VERSION = "broadcast_version"       # data: {"broadcast_id", "lang"}: the next text is it
AUDIENCES = ("all", "mentors", "mentees", "unmatched", "active-pairs")
STATUSES = ("active", "onboarding", "new")
# "mentoré·e" (with the accent) is a mentee; "mentore" is a woman mentor. Without the accent
# "mentores" could be either, so it is asked about (AMBIGUOUS), never guessed: a message meant
# for the mentors must not reach the mentees.
ALIASES = {"tous": "all", "tout": "all", "tout-le-monde": "all", "everyone": "all",
           "mentor": "mentors", "mentors-et-mentores": "mentors", "mentee": "mentees",
           "mentoré": "mentees", "mentorée": "mentees", "mentorés": "mentees",
           "mentorées": "mentees", "mentoré·es": "mentees", "mentoré·e·s": "mentees",
           "personnes-mentorées": "mentees", "sans-mentor": "unmatched",
           "sans-binôme": "unmatched", "pairs": "active-pairs", "binomes": "active-pairs",
           "binômes": "active-pairs"}
AMBIGUOUS = frozenset({"mentore", "mentores", "mentoree", "mentorees"})
MAX_BODY = 3000   # leaves room for the header under Telegram's 4,096 characters
RECENT = timedelta(days=1)  # the same words to the same audience again: said in the preview


def parse_audience(word: str) -> str | None:
    """`mentors`, `status:onboarding`, `tous`… → the audience code, or None."""
    word = word.strip().casefold()
    word = ALIASES.get(word, word)
    if word in AUDIENCES:
        return word
    kind, _, status = word.partition(":")
    return f"status:{status}" if kind == "status" and status in STATUSES else None


def _closest_audience(word: str) -> str | None:
    """"mentros" → "mentors": a typo of an audience, or None."""
    from rapidfuzz.distance import DamerauLevenshtein

    names = [*AUDIENCES, *(f"status:{status}" for status in STATUSES)]
    scored = [(DamerauLevenshtein.normalized_similarity(word.casefold(), name), name)
              for name in names]
    score, name = max(scored)
    return name if score >= 0.7 else None


async def recipients(tx: Tx, programme_id: int, audience: str) -> list[int]:
    """Person ids of the audience now, in id order."""
    if audience == "unmatched":
        return sorted(w.person_id for w in await unmatched_mentees(tx, programme_id))
    sql = {
        "all": "SELECT id FROM people WHERE programme_id = ? AND status = 'active'",
        "mentors": "SELECT id FROM people WHERE programme_id = ? AND status = 'active'"
                   " AND role IN ('mentor', 'both')",
        "mentees": "SELECT id FROM people WHERE programme_id = ? AND status = 'active'"
                   " AND role IN ('mentee', 'both')",
        "active-pairs": "SELECT p.id FROM people p WHERE p.programme_id = ? AND"
                        " p.status = 'active' AND EXISTS (SELECT 1 FROM matches m WHERE"
                        " m.status = 'active' AND p.id IN (m.mentee_id, m.mentor_id))",
    }.get(audience)
    params: tuple[Any, ...] = (programme_id,)
    if sql is None:
        status = audience.removeprefix("status:")
        if status not in STATUSES:
            return []
        # Coordinators who have not taken part themselves are not an audience (issue 13).
        sql, params = (f"SELECT id FROM people p WHERE programme_id = ? AND status = ?"
                       f" AND {participant_sql('p')}", (programme_id, status))
    return [row[0] for row in await tx.all(f"{sql} ORDER BY id", params)]


LANGUAGES = ("en", "fr")
_MARKER = re.compile(r"(en|fr|english|french|anglais|fran[cç]ais)\s*:\s*", re.IGNORECASE)
_MARKER_WORDS = {"english": "en", "anglais": "en", "french": "fr", "francais": "fr",
                 "français": "fr"}


def parse_texts(body: str, default: str) -> dict[str, str] | None:
    """"en: Hello | fr: Bonjour" → {"en": "Hello", "fr": "Bonjour"}; text without a language
    marker is in `default` (the coordinator's language). None: a marker is repeated, or a
    version is empty."""
    if not _MARKER.match(body):
        return {default: body}
    texts: dict[str, str] = {}
    for part in re.split(r"\|\s*(?=(?:en|fr|english|french|anglais|fran[cç]ais)\s*:)", body,
                         flags=re.IGNORECASE):
        found = _MARKER.match(part.strip())
        if found is None:
            return None
        word = found.group(1).casefold()
        lang = _MARKER_WORDS.get(word, word)
        text = part.strip()[found.end():].strip()
        if lang in texts or not text:
            return None
        texts[lang] = text
    return texts


def version(programme: str, texts: dict[str, str], lang: str) -> Outgoing:
    """The broadcast as a reader of `lang` gets it: the coordinators' header, then the text in
    their language — or, when there is none, the other one after a note that says so."""
    header = Outgoing(key="broadcast.header", params={"programme": programme})
    if lang in texts:
        return Outgoing(parts=(header, Outgoing(text=texts[lang])))
    written = next(iter(texts))
    names = {"lang": {reader: language_name(written, reader) for reader in LANGUAGES}}
    return Outgoing(parts=(header, Outgoing(key="broadcast.only_in", params={"language": names}),
                           Outgoing(text=texts[written])))


async def languages_of(tx: Tx, person_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in chunks(person_ids):
        for row in await tx.all(f"SELECT id, language FROM people WHERE id IN ({marks(chunk)})",
                                list(chunk)):
            found[row[0]] = row[1] if row[1] in LANGUAGES else LANGUAGES[0]
    return found


def _texts(row: Any) -> dict[str, str]:
    stored = json.loads(row["texts"] or "{}")
    return stored or {LANGUAGES[0]: row["body"]}  # a draft from before per-language texts


async def cmd_broadcast(ctx: Context, args: str) -> list[Reply]:
    word, body = [*args.split(maxsplit=1), "", ""][:2]
    audience = parse_audience(word) if word else None
    body = body.strip()
    audiences = ", ".join([*AUDIENCES, "status:…"])
    if word and word.casefold() in AMBIGUOUS:
        return [ctx.say("broadcast.ambiguous", word=word[:30], mentors="mentors",
                        mentees="mentees")]
    if word and audience is None:  # "/admin broadcast Hello everyone": no audience named
        guess = _closest_audience(word)
        if guess is not None:
            return [ctx.say("broadcast.did_you_mean", word=word[:30], audience=guess)]
        return [ctx.say("broadcast.no_audience", word=word[:30], audiences=audiences)]
    if audience is None or not body:
        return [ctx.say("broadcast.usage", audiences=audiences)]
    texts = parse_texts(body, ctx.lang)
    if texts is None:
        return [ctx.say("broadcast.languages_usage")]
    longest = max(len(text) for text in texts.values())
    if longest > MAX_BODY:
        return [ctx.say("broadcast.too_long", length=longest, limit=MAX_BODY)]
    if not await recipients(ctx.tx, ctx.person.programme_id, audience):
        return [ctx.say("broadcast.nobody", audience=_audience(ctx, audience))]
    broadcast_id = await ctx.tx.insert(
        "INSERT INTO broadcasts (programme_id, author_id, audience, body, texts, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (ctx.person.programme_id, ctx.person.id, audience, next(iter(texts.values())),
         json.dumps(texts, ensure_ascii=False), to_iso(ctx.now)))
    row = await ctx.tx.one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
    return [await _preview(ctx, row)]


async def _preview(ctx: Context, row: Any) -> Reply:
    """Who gets it, and each version exactly as its readers will see it."""
    ids = await recipients(ctx.tx, ctx.person.programme_id, row["audience"])
    readers = Counter((await languages_of(ctx.tx, ids)).values())
    texts, count = _texts(row), len(ids)
    programme = ctx.services.programme_name(ctx.person.programme_id)
    catalogue = ctx.services.catalogue
    if set(readers) <= set(texts) and len(readers) <= 1:  # one language, and its own text
        lang = next(iter(readers), ctx.lang)
        shown, _ = render(catalogue, lang, version(programme, texts, lang))
    else:
        sections = []
        for lang in sorted(readers, key=lambda code: (-readers[code], code)):
            rendered, _ = render(catalogue, lang, version(programme, texts, lang))
            key = "broadcast.section" if lang in texts else "broadcast.section_fallback"
            title = ctx.t(key, count=readers[lang], number=number(readers[lang], ctx.lang, 0),
                          language=_capital(language_name(lang, ctx.lang)),
                          written=language_name(next(iter(texts)), ctx.lang))
            sections.append(f"{title}\n{rendered}")
        shown = "\n\n".join(sections)
    text = ctx.t("broadcast.preview", count=count, number=number(count, ctx.lang, 0),
                 audience=_audience(ctx, row["audience"]), message=shown)
    twice = await _same_sent_lately(ctx, row)
    if twice is not None:  # a busy coordinator pasting the announcement a second time
        text = ctx.t("broadcast.sent_lately", when=staff_time.moment(ctx, twice["sent_at"]),
                     number=number(twice["recipients"] or 0, ctx.lang, 0),
                     count=twice["recipients"] or 0) + "\n\n" + text
    value = str(row["id"])
    buttons = [Button(ctx.t("broadcast.send", count=count, number=number(count, ctx.lang, 0)),
                      A_SEND, value),
               Button(ctx.t("broadcast.cancel"), A_CANCEL, value)]
    missing = [lang for lang in LANGUAGES if lang not in texts]
    if missing:
        buttons.insert(1, Button(ctx.t("broadcast.add_version",
                                       language=language_name(missing[0], ctx.lang)),
                                 A_ADD, f"{value}:{missing[0]}"))
    return ctx.reply(text, buttons)


async def _same_sent_lately(ctx: Context, row: Any) -> Any:
    """The same words sent to the same audience of this programme in the last day, if any."""
    texts = _texts(row)
    for sent in await ctx.tx.all(
            "SELECT * FROM broadcasts WHERE programme_id = ? AND audience = ? AND status = 'sent'"
            " AND sent_at >= ? AND id <> ? ORDER BY sent_at DESC",
            (row["programme_id"], row["audience"], to_iso(ctx.now - RECENT), row["id"])):
        if set(_texts(sent).values()) & set(texts.values()):  # whoever of the team sent it
            return sent
    return None


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


def _audience(ctx: Context, audience: str) -> str:
    if audience.startswith("status:"):
        status = audience.removeprefix("status:")
        return ctx.t("broadcast.audience.status", status=ctx.t(f"profile.status_{status}"))
    return ctx.t(f"broadcast.audience.{audience}")


async def _draft(ctx: Context, value: str, action: str) -> tuple[Any, list[Reply]]:
    """The broadcast a button names: it must exist and belong to this coordinator's
    programme (otherwise refused and audited)."""
    broadcast_id = parse_number(value)
    row = await ctx.tx.one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)) \
        if broadcast_id else None
    if row is None:
        return None, [ctx.say("common.unknown_button")]
    if row["programme_id"] != ctx.person.programme_id:
        await audit(ctx, f"broadcast {row['id']} {action}: other programme", False)
        return None, [ctx.say("admin.refused")]
    if row["status"] == "sent":
        return None, [ctx.say("broadcast.already_sent", count=row["recipients"] or 0,
                              number=number(row["recipients"] or 0, ctx.lang, 0))]
    if row["status"] == "cancelled":
        return None, [ctx.say("broadcast.already_cancelled")]
    return row, []


async def press_send(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _draft(ctx, value, "send")
    if refusal:
        return refusal
    texts = _texts(row)
    programme = ctx.services.programme_name(ctx.person.programme_id)
    ids = await recipients(ctx.tx, ctx.person.programme_id, row["audience"])
    languages = await languages_of(ctx.tx, ids)
    queued = Counter()
    for person_id in ids:
        lang = languages.get(person_id, LANGUAGES[0])
        if await ctx.notify(person_id, version(programme, texts, lang),
                            key=f"broadcast:{row['id']}:{person_id}"):
            queued[lang] += 1
    total = sum(queued.values())
    await ctx.tx.execute("UPDATE broadcasts SET status = 'sent', recipients = ?, sent_at = ?"
                         " WHERE id = ?", (total, to_iso(ctx.now), row["id"]))
    await describe(ctx, details=f"broadcast {row['id']} to {row['audience']}: "
                   + ", ".join(f"{lang} {n}" for lang, n in sorted(queued.items())))
    await audit(ctx, f"broadcast {row['id']} sent to {total}", True)
    return [ctx.say("broadcast.sent", count=total, number=number(total, ctx.lang, 0))]


async def press_add(ctx: Context, value: str) -> list[Reply]:
    """*Add the French version*: the next text the coordinator types is that version."""
    draft_id, _, lang = value.partition(":")
    row, refusal = await _draft(ctx, draft_id, "add version")
    if refusal:
        return refusal
    if lang not in LANGUAGES:
        return [ctx.say("common.unknown_button")]
    await set_conversation(ctx.tx, ctx.person.id, Conversation(
        F_VERSION, "text", {"broadcast_id": row["id"], "lang": lang}), ctx.now)
    return [ctx.say("broadcast.ask_version", language=language_name(lang, ctx.lang),
                    limit=MAX_BODY)]


async def flow_version(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    if not await is_coordinator(ctx):  # checked again: the flow outlives the button
        await clear_conversation(ctx.tx, ctx.person.id)
        await audit(ctx, "broadcast version", False)
        return [ctx.say("admin.refused")]
    if len(text) > MAX_BODY:
        return [ctx.say("broadcast.too_long", length=len(text), limit=MAX_BODY)]
    await clear_conversation(ctx.tx, ctx.person.id)
    row, refusal = await _draft(ctx, str(conv.data.get("broadcast_id", "")), "add version")
    if refusal:
        return refusal
    lang = str(conv.data.get("lang", ""))
    texts = {**_texts(row), lang: text} if lang in LANGUAGES else _texts(row)
    await ctx.tx.execute("UPDATE broadcasts SET texts = ? WHERE id = ?",
                         (json.dumps(texts, ensure_ascii=False), row["id"]))
    await audit(ctx, f"broadcast {row['id']} version {lang}", True)
    row = await ctx.tx.one("SELECT * FROM broadcasts WHERE id = ?", (row["id"],))
    return [await _preview(ctx, row)]


async def press_cancel(ctx: Context, value: str) -> list[Reply]:
    row, refusal = await _draft(ctx, value, "cancel")
    if refusal:
        return refusal
    await ctx.tx.execute("UPDATE broadcasts SET status = 'cancelled' WHERE id = ?", (row["id"],))
    return [ctx.say("broadcast.cancelled")]


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("broadcast", cmd_broadcast, "coordinators.help.broadcast")
    admin_action(router, A_SEND, press_send)
    admin_action(router, A_CANCEL, press_cancel)
    admin_action(router, A_ADD, press_add)
    router.flow(F_VERSION, flow_version)
