"""The composition root: read the config, open the store, wire services and features.

Nothing else in the code base builds long-lived objects or reads configuration; every
adapter receives an `App` from here (shared/STYLE.md, "One composition root").
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from bot.admin import admin, admin_matching
from bot.kernel.clock import Clock, SimulatedClock, SystemClock, from_iso, parse_duration, to_iso
from bot.kernel.config import Config
from bot.kernel.context import Services
from bot.kernel.core import Bot
from bot.kernel.delivery import DeliveryGate
from bot.kernel.dispatcher import Dispatcher
from bot.kernel.domain_events import Started
from bot.kernel.i18n import LANGUAGES, Catalogue
from bot.kernel.languages import parse_languages
from bot.kernel.router import Router
from bot.kernel.threads import in_daemon_thread
from bot.kernel.transport import Transport
from bot.mentoring.matchmaking import Matchmaker, weights_from
from bot.store import open_database
from bot.store.db import Database
from bot.store.state import get_meta, set_meta
from bot.text.timezones import resolve_timezone
from matching.topics import Taxonomy, known_words

log = logging.getLogger(__name__)

SIMULATED_NOW_KEY = "simulated_clock_now"  # the instant the simulated clock has reached
# Before the simulated clock was deterministic it was the wall clock plus this offset; a
# database that still has it is converted once (see resume_simulated_time).
LEGACY_OFFSET_KEY = "simulated_clock_offset_seconds"


# Young objects collected every 10,000 allocations instead of 700: a busy bot allocates a
# few hundred per event and most die young; older generations as CPython's defaults.
GC_THRESHOLDS = (10_000, 10, 10)


@dataclass
class App:
    config: Config
    db: Database
    services: Services
    router: Router
    bot: Bot
    _settling: asyncio.Task[None] | None = field(default=None, repr=False)

    def settle_memory(self) -> asyncio.Task[None]:
        """For a long-running bot, once started (a task; the bot serves meanwhile): what
        the first onboarding answers would load is loaded in a thread (`warm_up`), and when
        the matching indexes (built in a thread) are ready too, everything built so far
        lives as long as the process, so the garbage collector stops walking it at every
        full collection (`gc.freeze`); young objects are collected less often
        (GC_THRESHOLDS). Not for tests: they build many apps in one process."""
        self._settling = asyncio.ensure_future(self._settle())
        return self._settling

    async def _settle(self) -> None:
        await in_daemon_thread(warm_up, "warm-up")  # a short console session never waits for it
        await self.services.matchmaker.wait_ready()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)

    def dispatcher(self, transports: dict[str, Transport]) -> Dispatcher:
        grace = parse_duration(self.config.scheduler.grace_period)
        jobs = {name: partial(handler, services=self.services)
                for name, handler in self.router.jobs.items()}
        return Dispatcher(self.db, self.services.catalogue, self.services.clock, transports,
                          grace=grace if grace is not None else parse_duration("6h"),
                          late_policy=self.config.scheduler.late_policy, jobs=jobs,
                          gate=DeliveryGate(self.services))

    async def close(self) -> None:
        if self._settling is not None:
            self._settling.cancel()
        await self.db.close()


def warm_up() -> None:
    """Load once what an event would otherwise load on first use (about 2.5 s in all):
    language names in both languages (babel), time-zone names, and the word lists that
    tell a typo from a real word (matching.topics.known_words)."""
    for lang in LANGUAGES:
        parse_languages("English, français", lang)
        resolve_timezone("Paris", lang)
    known_words()


# Feature modules, each with `register(router, registry)`; /help lists commands in this order.
FEATURES = ("bot.onboarding.basics", "bot.mentoring.mentoring", "bot.meetings.meetings",
            "bot.meetings.attendance", "bot.meetings.checkins", "bot.mentoring.lifecycle",
            "bot.training.training", "bot.mentoring.relay", "bot.admin.moderation",
            "bot.mentoring.blocking", "bot.privacy.privacy", "bot.admin.admin_stats",
            "bot.admin.admin_people", "bot.admin.admin_pairs", "bot.admin.broadcast",
            "bot.admin.admin_export", "bot.admin.admin_content", "bot.admin.admin",
            "bot.admin.admin_matching",
            # participants on their own (issue 13)
            "bot.mentoring.ending", "bot.training.notifications",
            # Programme operations; bot.mentoring.eligibility last: its start-up recomputes the
            # holds once the others have settled approvals and windows.
            "bot.admin.conduct", "bot.admin.approval", "bot.mentoring.windows",
            "bot.admin.roster_invites",
            "bot.mentoring.eligibility")


def build_router() -> Router:
    router = Router()
    registry = admin.AdminRegistry()
    for name in FEATURES:
        importlib.import_module(name).register(router, registry)
    return router


async def build_app(config: Config, clock: Clock, database: str | Path | None = None) -> App:
    db = await open_database(database or config.bot.database)
    try:
        return await _wire(db, config, clock)
    except BaseException:
        await db.close()  # else its thread outlives the failure and the process never exits
        raise


async def _wire(db: Database, config: Config, clock: Clock) -> App:
    content = config.content_path()
    catalogue = Catalogue.load(content / "i18n")
    taxonomy = Taxonomy.load(content / "topics.toml")
    if isinstance(clock, SimulatedClock):
        await restore_simulated_clock(db, clock)
        # Kept at once, not only after a `/time` jump: a console restarted without --start
        # goes on from here instead of jumping back to the wall clock.
        await save_simulated_clock(db, clock)
    programme_ids = await sync_programmes(db, config, clock)
    matchmaker = Matchmaker(taxonomy, weights_from(config))
    router = build_router()
    services = Services(config, catalogue, clock, taxonomy, programme_ids, matchmaker,
                        router.hooks)
    async with db.read() as tx:
        await admin_matching.load_saved_weights(tx, services)
    async with db.transaction() as tx:
        await router.hooks.emit(tx, services, Started())

    return App(config, db, services, router, Bot(db, services, router))


async def sync_programmes(db: Database, config: Config, clock: Clock) -> dict[str, int]:
    """Make sure every configured programme has a row; returns code -> id."""
    ids: dict[str, int] = {}
    async with db.transaction() as tx:
        for code, settings in config.programmes.items():
            await tx.execute(
                "INSERT INTO programmes (code, name, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT(code) DO UPDATE SET name = excluded.name",
                (code, settings.name, to_iso(clock.now())),
            )
            ids[code] = await tx.value("SELECT id FROM programmes WHERE code = ?", (code,))
    return ids


async def resume_simulated_time(db: Database) -> datetime | None:
    """The simulated instant this database had reached, if any. An old offset is read
    once: turned into an instant (wall clock + offset, as it meant) and stored as one."""
    async with db.read() as tx:
        stored = await get_meta(tx, SIMULATED_NOW_KEY)
        legacy = await get_meta(tx, LEGACY_OFFSET_KEY)
    if stored is not None:
        return from_iso(stored)
    if legacy is None:
        return None
    moment = SystemClock().now() + timedelta(seconds=float(legacy))
    async with db.transaction() as tx:
        await set_meta(tx, SIMULATED_NOW_KEY, moment.isoformat())
        await tx.execute("DELETE FROM meta WHERE key = ?", (LEGACY_OFFSET_KEY,))
    return moment


async def restore_simulated_clock(db: Database, clock: SimulatedClock) -> None:
    """A reopened database goes on at the simulated time it had reached (never back)."""
    stored = await resume_simulated_time(db)
    if stored is not None and stored > clock.now():
        clock.advance(stored - clock.now())


async def save_simulated_clock(db: Database, clock: SimulatedClock) -> None:
    async with db.transaction() as tx:
        await set_meta(tx, SIMULATED_NOW_KEY, clock.now().isoformat())


async def console_clock(database: str | Path, start: datetime | None) -> SimulatedClock:
    """The console's simulated clock: at `start` when given, else where this database's
    clock stopped, else the wall clock (a brand-new database tried by a human; tests always
    give a start). A database already past `start` keeps its own time."""
    db = await open_database(database)
    try:
        stored = await resume_simulated_time(db)
    finally:
        await db.close()
    if start is None:
        start = stored or SystemClock().now().replace(microsecond=0)
    return SimulatedClock(max(start, stored) if stored is not None else start)
