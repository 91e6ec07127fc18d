"""Onboarding: the questions that build a profile, one at a time, resumable after a restart.

Each question is a `Step` that knows when it applies, how to ask, and how to turn an
answer (typed text or a button value) into profile changes. The same steps serve the
"edit one field" flow of /profile. Where the person is lives in the conversations table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.admin import conduct
from bot.kernel import people
from bot.kernel.context import Context
from bot.kernel.domain_events import Onboarded
from bot.kernel.events import Button, Reply
from bot.kernel.languages import language_name, parse_languages
from bot.store.state import Conversation, clear_conversation, get_conversation, set_conversation
from bot.text.availability import format_availability, parse_availability, weekly_hours
from bot.text.parse_errors import ParseError
from bot.text.timezones import format_timezone, read_zone_choice, resolve_timezone, zone_choice

FLOW = "onboarding"
EDIT_FLOW = "edit"
ACTION = "onb"  # button action id; the value is "<step>|<option>"
MAX_TOPICS = 10
MAX_GOALS = 1000
MIN_GOALS = 10
MAX_DEPARTMENT = 100
MAX_CAPACITY = 10


class Invalid(Exception):
    """The answer cannot be used; carries the replies that explain why."""

    def __init__(self, *replies: Reply) -> None:
        super().__init__("invalid answer")
        self.replies = list(replies)


@dataclass(frozen=True)
class Accepted:
    changes: dict[str, Any]
    note: str = ""  # what was understood, said back to the person
    stop: str = ""  # a message key: the answer ends onboarding here (a declined code)


Ask = Callable[[Context], Reply]
Parse = Callable[[Context, str], Awaitable[Accepted]]


@dataclass(frozen=True)
class Step:
    name: str
    ask: Ask
    parse: Parse
    applies: Callable[[people.Person], bool] = lambda person: True
    optional: bool = False
    # Asked only when the programme wants it (its code of conduct); None: always.
    enabled: Callable[[Context], bool] | None = None

    def wanted(self, ctx: Context) -> bool:
        return self.applies(ctx.person) and (self.enabled is None or self.enabled(ctx))


def _button(ctx: Context, step: str, option: str, label_key: str, **params: Any) -> Button:
    return Button(ctx.t(label_key, **params), ACTION, f"{step}|{option}")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


# --- language ---------------------------------------------------------------------------

def ask_language(ctx: Context) -> Reply:
    return ctx.reply(ctx.t("language.ask"), [
        _button(ctx, "language", "en", "language.english"),
        _button(ctx, "language", "fr", "language.french"),
    ])


def parse_language_choice(text: str) -> str | None:
    folded = _fold(text)
    for lang, words in {"en": ("en", "english", "anglais"),
                        "fr": ("fr", "francais", "french")}.items():
        if folded in words:
            return lang
    return None


async def parse_language(ctx: Context, text: str) -> Accepted:
    lang = parse_language_choice(text)
    if lang is None:
        raise Invalid(ctx.say("language.invalid"))
    return Accepted({"language": lang})


# --- consent ----------------------------------------------------------------------------

def ask_consent(ctx: Context) -> Reply:
    return ctx.reply(ctx.t("onboarding.consent"), [
        _button(ctx, "consent", "yes", "onboarding.consent_yes"),
        _button(ctx, "consent", "no", "onboarding.consent_no"),
    ])


_YES = {"yes", "y", "oui", "o", "ok", "d'accord", "daccord", "j'accepte", "i agree", "agree"}
_NO = {"no", "n", "non", "no thanks", "non merci", "refuse"}


async def parse_consent(ctx: Context, text: str) -> Accepted:
    folded = _fold(text)
    if folded in _YES or folded == _fold(ctx.t("onboarding.consent_yes")):
        return Accepted({"consent_at": ctx.now.isoformat(timespec="seconds"),
                         "status": "onboarding"})
    if folded in _NO or folded == _fold(ctx.t("onboarding.consent_no")):
        return Accepted({"status": "no_consent"})
    raise Invalid(ctx.say("onboarding.consent_invalid"))


# --- code of conduct (bot/admin/conduct.py) ---------------------------------------------------

def _has_conduct(ctx: Context) -> bool:
    return conduct.document(ctx.services, ctx.person.programme_id) is not None


def ask_conduct(ctx: Context) -> Reply:
    doc = conduct.document(ctx.services, ctx.person.programme_id)
    if doc is None:  # removed meanwhile: nothing to accept
        return ctx.say("common.skipped")
    return conduct.ask(ctx, doc, ACTION, "conduct")


async def parse_conduct(ctx: Context, text: str) -> Accepted:
    doc = conduct.document(ctx.services, ctx.person.programme_id)
    folded = _fold(text)
    if doc is None:
        return Accepted({})
    if folded in _YES | {"accept", "accepte", "j'accepte"} or \
            folded == _fold(ctx.t("conduct.accept")):
        await conduct.record(ctx, doc, accepted=True)
        return Accepted({}, ctx.t("conduct.thanks"))
    if folded in _NO | {"decline", "je refuse"} or folded == _fold(ctx.t("conduct.decline")):
        await conduct.record(ctx, doc, accepted=False)
        return Accepted({}, stop="conduct.declined_onboarding")
    raise Invalid(ctx.say("conduct.invalid"))


# --- role -------------------------------------------------------------------------------

def ask_role(ctx: Context) -> Reply:
    return ctx.reply(ctx.t("onboarding.ask_role"), [
        _button(ctx, "role", role, f"onboarding.role_{role}") for role in people.ROLES
    ])


# Compared without accents, except that "mentoré" (mentee) and "mentore" (a woman mentor,
# OQLF) only differ by one: the accented spellings are read first, and a bare "mentore" —
# a mentor, or a mentee typed without the accent — is asked back rather than guessed.
_MENTEE_ACCENTED = frozenset({"mentoré", "mentorée", "mentoré(e)", "mentoré·e", "mentorés",
                              "mentorées", "personne mentorée"})
_AMBIGUOUS = frozenset({"mentore", "mentores"})
_ROLE_WORDS = {
    "mentee": ("mentee", "mentees", "mentoree", "mentorees", "mentore(e)", "personne mentoree",
               "1"),
    "mentor": ("mentor", "mentors", "mentora", "mentor(e)", "mentor ou mentore", "2"),
    "both": ("both", "les deux", "deux", "peer", "3"),
}


async def parse_role(ctx: Context, text: str) -> Accepted:
    typed = unicodedata.normalize("NFC", text.casefold()).strip()
    if typed in _MENTEE_ACCENTED:
        return Accepted({"role": "mentee", "capacity": 0})
    if typed in _AMBIGUOUS:
        raise Invalid(ctx.reply(ctx.t("role_check.ask"), [
            _button(ctx, "role", "mentor", "onboarding.role_mentor"),
            _button(ctx, "role", "mentee", "onboarding.role_mentee")]))
    folded = _fold(text)
    for role, words in _ROLE_WORDS.items():
        if folded in words or folded == _fold(ctx.t(f"onboarding.role_{role}")):
            return Accepted(_role_changes(role))
    role = _role_in_sentence(typed, folded)
    if role == "ask":
        raise Invalid(ctx.reply(ctx.t("role_check.ask"), [
            _button(ctx, "role", "mentor", "onboarding.role_mentor"),
            _button(ctx, "role", "mentee", "onboarding.role_mentee")]))
    if role is not None:  # said back, since it was read from a sentence
        return Accepted(_role_changes(role), note=ctx.t(
            "profile.role", value=ctx.t(f"onboarding.role_{role}")))
    raise Invalid(ctx.say("onboarding.role_invalid"))


def _role_changes(role: str) -> dict[str, Any]:
    return {"role": role, "capacity": 0} if role == "mentee" else {"role": role}


# The role said in a sentence ("je veux être mentor", "je cherche un mentor", "I'd like to
# be mentored"), read on the folded text; "mentoré(e)" is read with its accent first.
_BOTH_SAID = re.compile(r"\b(?:les deux|both|un peu des deux|mentor(?:e|a)? (?:et|and) "
                        r"(?:mentoree?|mentee|personne mentoree))\b")
_MENTEE_SAID = re.compile(
    r"\b(?:mentees?|(?:etre|me faire|be|get|being) (?:accompagnee?|mentored|coache?e?)"
    r"|(?:cherche|veux|voudrais|aimerais|souhaite|besoin d'|avoir|trouver|want|need|looking for"
    r"|find|get|like|seeking) (?:un |une |d'un |d'une |a |an |some )?(?:mentor|mentore|mentorat"
    r"|mentoring|accompagnement|coach|guide))\b")
_MENTOR_SAID = re.compile(r"\b(?:mentor|mentora|mentoring|accompagner|aider|transmettre|coacher"
                          r"|help|helping|guide|coach)\b")


def _role_in_sentence(typed: str, folded: str) -> str | None:
    """"mentee", "mentor", "both", "ask" (a bare unaccented "mentore" in the sentence: a
    woman mentor or "mentoré" typed without its accent), or None."""
    if _BOTH_SAID.search(folded):
        return "both"
    if "mentoré" in typed or _MENTEE_SAID.search(folded):
        return "mentee"
    if re.search(r"\bmentores?\b", typed):
        return "ask"
    return "mentor" if _MENTOR_SAID.search(folded) else None


# --- topics -----------------------------------------------------------------------------

def _topics_parser(field: str) -> Parse:
    async def parse(ctx: Context, text: str) -> Accepted:
        matches = ctx.services.taxonomy.normalise(text)
        ids = list(dict.fromkeys(m.id for m in matches))
        if not ids:
            raise Invalid(ctx.say("onboarding.topics_invalid"))
        labels = [ctx.services.taxonomy.label(i, ctx.lang) for i in ids[:MAX_TOPICS]]
        if len(ids) > MAX_TOPICS:
            note = ctx.t("onboarding.topics_too_many", count=MAX_TOPICS, topics=ctx.join(labels))
        else:
            note = ctx.t("onboarding.topics_understood", topics=ctx.join(labels))
        return Accepted({field: ids[:MAX_TOPICS]}, note)
    return parse


# --- goals ------------------------------------------------------------------------------

def ask_goals(ctx: Context) -> Reply:
    key = "onboarding.ask_goals_mentee" if ctx.person.role == "mentee" else \
        "onboarding.ask_goals_mentor"
    return ctx.say(key)


async def parse_goals(ctx: Context, text: str) -> Accepted:
    if len(text) > MAX_GOALS:
        raise Invalid(ctx.say("common.too_long", length=len(text), limit=MAX_GOALS))
    if len(text) < MIN_GOALS:
        raise Invalid(ctx.say("onboarding.goals_too_short", min=MIN_GOALS))
    return Accepted({"goals": text})


# --- languages --------------------------------------------------------------------------

async def parse_spoken(ctx: Context, text: str) -> Accepted:
    try:
        codes = parse_languages(text, ctx.lang)
    except ParseError as err:
        raise Invalid(ctx.say(err.key, **err.params)) from None
    names = [language_name(code, ctx.lang) for code in codes]
    return Accepted({"languages": list(codes)},
                    ctx.t("onboarding.languages_understood", languages=ctx.join(names)))


# --- time zone --------------------------------------------------------------------------

def ask_timezone(ctx: Context) -> Reply:
    known = ctx.address.timezone
    exact = resolve_timezone(known).exact if known else None
    if exact:
        return ctx.reply(ctx.t("onboarding.ask_timezone_known", timezone=known), [
            Button(ctx.t("onboarding.timezone_use", timezone=known), ACTION,
                   f"timezone|{zone_choice(exact, _legacy_place(known, exact))}")
        ])
    return ctx.say("onboarding.ask_timezone")


def _legacy_place(name: str, exact: str) -> str:
    """The city of an account's legacy zone name ("America/Montreal" is Toronto's zone):
    kept, so that the person reads "heure de Montréal" as their account says."""
    if name == exact:
        return ""
    guess = resolve_timezone(name.rsplit("/", 1)[-1].replace("_", " "))
    return guess.place if exact in guess.suggestions else ""


async def parse_timezone(ctx: Context, text: str) -> Accepted:
    choice = read_zone_choice(text)  # a zone name, or a pressed "America/Toronto@Montréal"
    if choice:
        zone, place = choice
        return Accepted({"timezone": zone, "timezone_place": place}, ctx.t(
            "onboarding.timezone_understood",
            timezone=format_timezone(zone, ctx.lang, place=place)))
    guess = resolve_timezone(text, ctx.lang)
    if guess.sure:  # "Montréal": one city, one zone; shown back, so a slip can be corrected
        zone = guess.suggestions[0]
        return Accepted({"timezone": zone, "timezone_place": guess.place}, ctx.t(
            "onboarding.timezone_understood",
            timezone=format_timezone(zone, ctx.lang, place=guess.place)))
    shown = text[:40]
    if guess.suggestions:
        raise Invalid(ctx.reply(ctx.t("onboarding.timezone_suggest", text=shown), [
            Button(format_timezone(name, ctx.lang, place=guess.place), ACTION,
                   f"timezone|{zone_choice(name, guess.place)}")
            for name in guess.suggestions
        ]))
    raise Invalid(ctx.say("onboarding.timezone_invalid", text=shown))


# --- availability -----------------------------------------------------------------------

async def parse_weekly(ctx: Context, text: str) -> Accepted:
    try:
        slots = parse_availability(text, ctx.lang)
    except ParseError as err:
        raise Invalid(ctx.say(err.key, **err.params)) from None
    hours = weekly_hours(slots)
    note = ctx.t("onboarding.availability_understood",
                 availability=format_availability(slots, ctx.lang),
                 hours=f"{hours:g}")
    return Accepted({"availability": [list(s) for s in slots]}, note)


# --- seniority, department, capacity ----------------------------------------------------

def ask_seniority(ctx: Context) -> Reply:
    return ctx.reply(ctx.t("onboarding.ask_seniority"), [
        _button(ctx, "seniority", str(level), f"onboarding.seniority_{level}")
        for level in range(1, 6)
    ])


# Words people type for a career stage instead of pressing its button.
_SENIORITY_WORDS = {
    1: ("etudiant", "etudiante", "etudes", "student", "apprenti", "apprentie", "apprentice",
        "stagiaire", "intern", "alternant", "alternante", "ecole", "school", "universite"),
    2: ("junior", "debutant", "debutante", "debut", "early", "jeune diplome",
        "jeune diplomee", "graduate", "new grad"),
    3: ("confirme", "confirmee", "experienced", "intermediaire", "intermediate", "mid"),
    4: ("senior", "expert", "experte", "experimente", "experimentee"),
    5: ("executive", "direction", "directeur", "directrice", "dirigeant", "dirigeante",
        "vp", "ceo", "pdg", "cadre superieur", "cadre superieure", "leader", "haute gestion"),
}
_YEARS = re.compile(r"(\d{1,2})\s*(?:\+\s*)?(?:ans?|years?|yrs?)\b")


async def parse_seniority(ctx: Context, text: str) -> Accepted:
    folded = _fold(text)
    if folded in {"1", "2", "3", "4", "5"}:
        return Accepted({"seniority": int(folded)})
    level = _seniority_in(ctx, folded)
    if level is None:
        raise Invalid(ctx.say("onboarding.seniority_invalid"))
    return Accepted({"seniority": level}, note=ctx.t(
        "profile.seniority", value=ctx.t(f"onboarding.seniority_{level}")))


def _seniority_in(ctx: Context, folded: str) -> int | None:
    """The stage meant by typed words: part of an option's label in either language ("plus
    de 10 ans", "senior"), a word for it ("étudiante", "directrice"), or years ("12 ans")."""
    if not folded:
        return None
    labels = {level: [_fold(ctx.services.catalogue.text(lang, f"onboarding.seniority_{level}"))
                      for lang in ("en", "fr")] for level in range(1, 6)}
    if len(folded) >= 4:
        within = {level for level, texts in labels.items()
                  if any(re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", t) for t in texts)}
        if len(within) == 1:
            return within.pop()
    said = {level for level, words in _SENIORITY_WORDS.items()
            if any(re.search(rf"\b{word}\b", folded) for word in words)}
    if len(said) == 1:
        return said.pop()
    years = _YEARS.search(folded)
    if years and not said:
        count = int(years.group(1))
        return 2 if count < 3 else 3 if count <= 10 and "+" not in years.group(0) else 4
    return None


async def parse_department(ctx: Context, text: str) -> Accepted:
    if len(text) > MAX_DEPARTMENT:
        raise Invalid(ctx.say("onboarding.department_too_long", limit=MAX_DEPARTMENT))
    return Accepted({"department": text})


def ask_capacity(ctx: Context) -> Reply:
    return ctx.reply(ctx.t("onboarding.ask_capacity"), [
        Button(str(n), ACTION, f"capacity|{n}") for n in (1, 2, 3, 4)
    ])


_NUMBER_WORDS = {
    "un": 1, "une": 1, "one": 1, "deux": 2, "two": 2, "trois": 3, "three": 3, "quatre": 4,
    "four": 4, "cinq": 5, "five": 5, "six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8,
    "neuf": 9, "nine": 9, "dix": 10, "ten": 10,
}


async def parse_capacity(ctx: Context, text: str) -> Accepted:
    """A number, alone or in words ("2", "deux", "2 personnes", "two mentees")."""
    numbers = [int(n) for n in re.findall(r"\b\d{1,3}\b", text)]
    numbers += [_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", _fold(text))
                if w in _NUMBER_WORDS]
    if len(set(numbers)) != 1 or not 1 <= numbers[0] <= MAX_CAPACITY:
        raise Invalid(ctx.say("onboarding.capacity_invalid", max=MAX_CAPACITY))
    return Accepted({"capacity": numbers[0]})


STEPS: tuple[Step, ...] = (
    Step("language", ask_language, parse_language),
    Step("consent", ask_consent, parse_consent),
    Step("conduct", ask_conduct, parse_conduct, enabled=_has_conduct),
    Step("role", ask_role, parse_role),
    Step("topics_sought", lambda ctx: ctx.say("onboarding.ask_topics_sought"),
         _topics_parser("topics_sought"), applies=lambda p: p.is_mentee),
    Step("topics_offered", lambda ctx: ctx.say("onboarding.ask_topics_offered"),
         _topics_parser("topics_offered"), applies=lambda p: p.is_mentor),
    Step("goals", ask_goals, parse_goals),
    Step("languages", lambda ctx: ctx.say("onboarding.ask_languages"), parse_spoken),
    Step("timezone", ask_timezone, parse_timezone),
    Step("availability", lambda ctx: ctx.say("onboarding.ask_availability"), parse_weekly),
    Step("seniority", ask_seniority, parse_seniority),
    Step("department", lambda ctx: ctx.say("onboarding.ask_department"), parse_department,
         optional=True),
    Step("capacity", ask_capacity, parse_capacity, applies=lambda p: p.is_mentor),
)
STEP_BY_NAME = {step.name: step for step in STEPS}
EDITABLE = tuple(name for name in people.PROFILE_FIELDS if name in STEP_BY_NAME)


# Answers a coordinator's roster may give in advance (bot/admin/roster_invites.py): not asked.
PREFILLABLE = ("role", "seniority", "department")


async def prefilled(ctx: Context) -> set[str]:
    """The questions the person's roster row answered already."""
    row = await ctx.tx.one("SELECT answered FROM roster_entries"
                           " WHERE person_id = ? ORDER BY id DESC LIMIT 1", (ctx.person.id,))
    if row is None:  # `answered`: kept when the row is emptied at joining (021)
        return set()
    return {name for name in PREFILLABLE if name in row["answered"].split()}


async def _next_step(ctx: Context, after: str | None) -> Step | None:
    names = [s.name for s in STEPS]
    start = 0 if after is None else names.index(after) + 1
    skip = await prefilled(ctx)
    for step in STEPS[start:]:
        if step.wanted(ctx) and step.name not in skip:
            return step
    return None


def _previous_step(ctx: Context, before: str) -> Step | None:
    names = [s.name for s in STEPS]
    for step in reversed(STEPS[: names.index(before)]):
        if step.wanted(ctx) and step.name not in ("consent", "conduct"):
            return step
    return None


async def _first_unanswered(ctx: Context, optional: bool = True) -> Step | None:
    """Where to resume after /cancel; with optional=False only required questions count."""
    person = ctx.person
    answered = {
        "language": True, "consent": person.consent_at is not None,
        "conduct": await conduct.accepted_current(ctx), "role": bool(person.role),
        "topics_sought": bool(person.topics_sought), "topics_offered": bool(person.topics_offered),
        "goals": bool(person.goals), "languages": bool(person.languages),
        "timezone": bool(person.timezone), "availability": bool(person.availability),
        "seniority": person.seniority > 0, "department": False,
        "capacity": person.capacity > 0,
    }
    for step in STEPS[1:]:
        if step.wanted(ctx) and not answered[step.name] and (optional or not step.optional):
            return step
    return None


# --- the flow ---------------------------------------------------------------------------

async def start(ctx: Context) -> list[Reply]:
    """/start: begin, resume, or say the profile is complete."""
    conv = await get_conversation(ctx.tx, ctx.person.id)
    if conv and conv.flow == FLOW:
        return [ctx.say("onboarding.resume"), STEP_BY_NAME[conv.step].ask(ctx)]
    if ctx.person.status == "active":
        return [ctx.say("onboarding.already_done")]
    if ctx.person.status in ("new", "no_consent"):
        from bot.admin.roster_invites import prefill  # a roster invitation answered some questions

        if await prefill(ctx):
            return await start_invited(ctx)
        ctx.person = await people.update(ctx.tx, ctx.person, ctx.now, status="new")
        await _goto(ctx, "language")
        return [STEP_BY_NAME["language"].ask(ctx)]
    step = await _first_unanswered(ctx) or STEP_BY_NAME["department"]
    await _goto(ctx, step.name)
    return [ctx.say("onboarding.resume"), step.ask(ctx)]


async def start_invited(ctx: Context) -> list[Reply]:
    """A roster invitation used: the language (and the answers the roster gave) are known,
    so the welcome comes at once, in that language, then consent."""
    ctx.person = await people.update(ctx.tx, ctx.person, ctx.now, status="new")
    return await _advance(ctx, "language")


async def answer(ctx: Context, conv: Conversation, text: str) -> list[Reply]:
    """An answer (typed or pressed) to the current question of the onboarding or edit flow."""
    step = STEP_BY_NAME[conv.step]
    try:
        accepted = await step.parse(ctx, text)
    except Invalid as invalid:
        return [*invalid.replies, step.ask(ctx)] if _reask(invalid) else invalid.replies
    if accepted.changes:
        ctx.person = await people.update(ctx.tx, ctx.person, ctx.now, **accepted.changes)
    replies = [ctx.reply(accepted.note)] if accepted.note else []
    if accepted.stop:
        await clear_conversation(ctx.tx, ctx.person.id)
        return [*replies, ctx.say(accepted.stop)]
    if conv.flow == EDIT_FLOW:
        missing = await _first_unanswered(ctx, optional=False)
        if missing is not None:
            # A new role needs answers the old one did not (a mentee becoming a mentor).
            await _goto(ctx, missing.name)
            return [*replies, missing.ask(ctx)]
        await clear_conversation(ctx.tx, ctx.person.id)
        from bot.mentoring.readiness import after_role_change
        from bot.onboarding.profile import show_profile  # the profile card closes an edit

        extra = await after_role_change(ctx) if ctx.person.active else []
        return [*replies, ctx.say("profile.updated"), *show_profile(ctx), *extra]
    return replies + await _advance(ctx, step.name)


def _reask(invalid: Invalid) -> bool:
    # Suggestions come with their own buttons; repeating the question would bury them.
    return not any(reply.buttons for reply in invalid.replies)


async def _advance(ctx: Context, after: str) -> list[Reply]:
    if ctx.person.status == "no_consent":
        await clear_conversation(ctx.tx, ctx.person.id)
        return [ctx.say("onboarding.consent_declined")]
    if after == "language":
        programme = ctx.services.programme_name(ctx.person.programme_id, ctx.lang)
        welcome = [ctx.say("onboarding.welcome", programme=programme)]
    else:
        welcome = []
    step = await _next_step(ctx, after)
    if ctx.person.onboarded_at is not None:
        # Completing answers after a role change: only what is still missing.
        step = await _first_unanswered(ctx, optional=False)
    if step is None:
        return await _finish(ctx)
    await _goto(ctx, step.name)
    return [*welcome, step.ask(ctx)]


async def _finish(ctx: Context) -> list[Reply]:
    from bot.mentoring.readiness import after_onboarding  # approval, windows, required lessons

    await clear_conversation(ctx.tx, ctx.person.id)
    ctx.person = await people.update(ctx.tx, ctx.person, ctx.now, status="active",
                                     onboarded_at=ctx.now.isoformat(timespec="seconds"))
    next_steps = await after_onboarding(ctx)
    await ctx.emit(Onboarded(person_id=ctx.person.id))

    if next_steps:  # something comes first: the profile is ready, /find is not yet
        return [ctx.say("readiness.done", name=ctx.person.name), *next_steps]
    return [ctx.say(f"onboarding.done_{ctx.person.role}", name=ctx.person.name)]


async def _goto(ctx: Context, step: str, flow: str = FLOW) -> None:
    await set_conversation(ctx.tx, ctx.person.id, Conversation(flow, step), ctx.now)


async def back(ctx: Context, conv: Conversation | None) -> list[Reply]:
    if conv is None or conv.flow != FLOW:
        return [ctx.say("onboarding.nothing_back")]
    previous = _previous_step(ctx, conv.step)
    if previous is None:
        return [ctx.say("onboarding.at_first"), STEP_BY_NAME[conv.step].ask(ctx)]
    await _goto(ctx, previous.name)
    return [previous.ask(ctx)]


async def skip(ctx: Context, conv: Conversation | None) -> list[Reply]:
    if conv is None or conv.flow not in (FLOW, EDIT_FLOW):
        return [ctx.say("onboarding.nothing_to_skip")]
    step = STEP_BY_NAME[conv.step]
    if not step.optional:
        return [ctx.say("onboarding.cannot_skip"), step.ask(ctx)]
    if conv.flow == EDIT_FLOW:
        await clear_conversation(ctx.tx, ctx.person.id)
        return [ctx.say("common.skipped")]
    return [ctx.say("common.skipped"), *await _advance(ctx, step.name)]


async def cancel(ctx: Context, conv: Conversation | None) -> list[Reply]:
    if conv is None:
        return [ctx.say("onboarding.nothing_to_cancel")]
    await clear_conversation(ctx.tx, ctx.person.id)
    return [ctx.say("onboarding.cancelled")]


async def press(ctx: Context, conv: Conversation | None, value: str) -> list[Reply]:
    """A button of a question: accepted only if it belongs to the current question."""
    step_name, _, option = value.partition("|")
    if conv is None or conv.flow not in (FLOW, EDIT_FLOW):
        return [ctx.say("common.unknown_button")]
    if step_name != conv.step:
        return [ctx.say("common.stale_button"), STEP_BY_NAME[conv.step].ask(ctx)]
    return await answer(ctx, conv, option)


async def edit(ctx: Context, field: str) -> list[Reply]:
    """Start editing one field of the profile (from a /profile button)."""
    step = STEP_BY_NAME.get(field)
    if step is None or field not in EDITABLE or not step.wanted(ctx):
        return [ctx.say("common.unknown_button")]
    await _goto(ctx, field, EDIT_FLOW)
    return [step.ask(ctx)]


async def needs_profile(ctx: Context) -> list[Reply]:
    """A command that needs a complete profile, asked before onboarding is over."""
    if ctx.person.status == "no_consent":
        return [ctx.say("onboarding.stopped_no_consent")]
    conv = await get_conversation(ctx.tx, ctx.person.id)
    if conv is not None and conv.flow == FLOW:
        return [ctx.say("onboarding.finish_first"), STEP_BY_NAME[conv.step].ask(ctx)]
    answer = await conduct.latest(ctx.tx, ctx.person.id)
    if ctx.person.status == "onboarding" and answer and answer["decision"] == "declined":
        return [ctx.say("conduct.stopped")]
    return [ctx.say("common.needs_profile")]
