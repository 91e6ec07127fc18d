"""The `mentorbot` command: console, run, export, check-config, match, import.

The command line itself (adapters/cli.py, the `mentorbot` script) lives at the edge: it gives
`main` what needs the adapters — the process that serves them (`run`, `console`) and their
checks of their settings — so that the core imports no adapter.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot import __version__
from bot.kernel.config import Config, ConfigError, load_config
from bot.kernel.logs import Redactor, redact_url, secrets_of
from bot.store import is_postgres
from bot.store.db import DatabaseError

Launch = Callable[..., Awaitable[int]]  # adapters.main.run


@dataclass(frozen=True)
class Edge:
    """What the adapters bring to the command line."""

    run: Launch                                 # serve a process: `run` and `console`
    adapter_problems: Callable[[Config], list[str]]  # their refusals of their settings


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="TOML config file (default: none, "
                        "or ./config.toml when it exists)")
    parser.add_argument("--db", metavar="FILE", help="SQLite database file "
                        "(default: [bot] database of the config)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorbot",
        description="A self-hosted, chat-first mentoring bot (Slack, Telegram, console).")
    parser.add_argument("--version", action="version", version=f"mentorbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    console = sub.add_parser("console", help="chat with the bot in this terminal",
                             description="Chat with the bot in this terminal. Type "
                             "'@handle text' to speak as someone, '#N' to press a button.")
    _add_common(console)
    console.add_argument("--clock", choices=("real", "simulated"), default="real",
                         help="'simulated' enables /time +3d to move time forward")
    console.add_argument("--start", type=_instant, metavar="INSTANT",
                         help="with --clock simulated: start at this instant, e.g. "
                         "2027-01-11T09:00Z (UTC unless an offset is given; default: where "
                         "this database's clock stopped, or now for a new database)")
    console.add_argument("--files", metavar="DIR", help="where files the bot sends are saved "
                         "(default: <database name>-files/ beside the database; "
                         "mentorbot-files/ here with PostgreSQL)")
    console.add_argument("--echo", action="store_true",
                         help="print each input line (a scripted session reads as a transcript)")
    console.add_argument("--demo", action="store_true",
                         help="seed a fictional demo programme (about 60 people) when the "
                         "database has nobody yet")

    run = sub.add_parser("run", help="start every adapter whose credentials are configured "
                         "(the console when none is)")
    _add_common(run)
    run.add_argument("--demo", action="store_true", help="as for console")
    run.add_argument("--clock", choices=("real", "simulated"), default="real",
                     help="console only: as for console")

    export = sub.add_parser("export", help="dump the programme's data as JSON or CSV",
                            description="Dump people (and, as features land, requests, "
                            "matches, meetings, lessons, feedback, points) following "
                            "docs/export-schema.md.")
    _add_common(export)
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--out", metavar="PATH", help="json: a file (default stdout); "
                        "csv: a directory (default stdout, one table, see --table)")
    export.add_argument("--table", help="only this table (csv to stdout needs one)")
    export.add_argument("--programme", help="only this programme code")
    export.add_argument("--lang", choices=("en", "fr"), default="en",
                        help="csv: the language of the column names and words")
    export.add_argument("--timezone", metavar="ZONE", help="csv: also show times in this "
                        "zone (default: the programme's `timezone`, when not UTC)")

    match = sub.add_parser("match", help="cohort matching: dry run (default) or --apply",
                           description="Place every unmatched mentee optimally (min-cost flow "
                           "with mentor capacities), print pairs, scores, reasons and the "
                           "unmatched with the reason; --apply creates the matches and sends "
                           "the introductions through the outbox.")
    _add_common(match)
    match.add_argument("--programme", help="programme code (default: the first one)")
    match.add_argument("--mode", choices=("total", "fair"), default="total",
                       help="'fair' first raises the weakest pair's score")
    match.add_argument("--apply", action="store_true", help="create the matches")
    match.add_argument("--lang", choices=("en", "fr"), default="en")

    roster = sub.add_parser("import", help="invite a roster (CSV): dry run (default) or --apply",
                            description="Check every line of a roster (name, email or a chat "
                            "id, role, language, department, seniority), print the problems "
                            "by line or a preview; --apply creates the invitations and prints "
                            "each person's join code (the running bot sends the Slack ones).")
    _add_common(roster)
    roster.add_argument("file", metavar="ROSTER.csv")
    roster.add_argument("--programme", help="programme code (default: the first one)")
    roster.add_argument("--apply", action="store_true", help="create the invitations")
    roster.add_argument("--out", metavar="FILE", help="with --apply: write the codes as CSV")
    roster.add_argument("--lang", choices=("en", "fr"),
                        help="language of the report (default: [bot] language)")

    check = sub.add_parser("check-config", help="validate a config file and say what would start")
    _add_common(check)
    return parser


def _instant(text: str) -> datetime:
    from bot.kernel.clock import parse_instant

    moment = parse_instant(text)
    if moment is None:
        raise argparse.ArgumentTypeError(
            f"not a date and time: {text!r} (try 2027-01-11T09:00Z; UTC unless an offset "
            "such as +01:00 is given)")
    return moment


def _load(args: argparse.Namespace) -> Config:
    path = args.config
    if path is None and Path("config.toml").exists():
        path = "config.toml"
    config = load_config(path)
    if getattr(args, "db", None):
        config.bot.database = args.db
    return config


def main(argv: list[str] | None, edge: Edge) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if getattr(args, "start", None) is not None and args.clock != "simulated":
        parser.error("--start needs --clock simulated (the real clock starts now)")
    try:
        config = _load(args)
    except ConfigError as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        return 2
    from bot.kernel.logs import setup_logging

    adapters_configured = config.slack_enabled or config.telegram_enabled
    quiet = args.command in ("console", "export") or (args.command == "run"
                                                       and not adapters_configured)
    setup_logging(config.bot.log_level, quiet=quiet, secrets=secrets_of(config))
    if args.command != "check-config":
        from bot.kernel.startup import problems

        found = problems(config, adapters=edge.adapter_problems
                         if args.command == "run" and adapters_configured else None)
        if found:  # the same lines as check-config, before anything is opened
            for problem in found:
                print(f"mentorbot: {problem}", file=sys.stderr)
            return 2
    try:
        return _command(args, config, edge)
    except KeyboardInterrupt:
        return 130
    except (ConfigError, DatabaseError) as exc:
        print(f"mentorbot: {Redactor(secrets_of(config))(str(exc))}", file=sys.stderr)
        return 2
    except Exception as exc:
        # Whatever failed, everything opened is closed by now (the commands close the app
        # in `finally`), so the process ends; one line, the traceback only at DEBUG.
        logging.getLogger(__name__).debug("failed", exc_info=True)
        message = Redactor(secrets_of(config))(f"{type(exc).__name__}: {exc}")
        print(f"mentorbot: {message.splitlines()[0] if message.strip() else message}",
              file=sys.stderr)
        return 1


def _command(args: argparse.Namespace, config: Config, edge: Edge) -> int:
    match args.command:
        case "check-config":
            return check_config(config, edge.adapter_problems)
        case "export":
            return asyncio.run(export(config, args))
        case "match":
            return asyncio.run(match_cohort(config, args))
        case "import":
            from bot.admin.roster_invites import cli_import

            return asyncio.run(cli_import(config, args))
        case "console" | "run":
            return asyncio.run(edge.run(config, console_only=args.command == "console",
                                        demo=args.demo, simulated=args.clock == "simulated",
                                        echo=getattr(args, "echo", False),
                                        files=getattr(args, "files", None),
                                        start=getattr(args, "start", None)))
    return 2


def check_config(config: Config, adapter_problems: Callable[[Config], list[str]]) -> int:
    """Say what would start, and every problem `run` would refuse to start on (exit 2).
    Nothing printed carries a secret: a PostgreSQL URL is shown without its password."""
    from bot.kernel.startup import problems

    found = problems(config, adapters=adapter_problems, thorough=True)
    target = config.bot.database
    if is_postgres(target):
        from bot.store.pg_check import check_postgres

        state = asyncio.run(check_postgres(target))
        database = f"{redact_url(target)} ({state.summary})"
        found += state.problems
    else:
        exists = Path(target).exists() or target == ":memory:"
        database = target + ("" if exists else " (will be created)")
    redact = Redactor(secrets_of(config))
    print(f"config: {config.source} " + (f"has {len(found)} problem(s)" if found
                                         else "is valid"))
    print(redact(f"database: {database}"))
    for code, programme in config.programmes.items():
        print(f"programme {code}: {programme.name} "
              f"({len(programme.coordinators)} coordinator(s))")
    adapters = [name for name, on in (("slack", config.slack_enabled),
                                      ("telegram", config.telegram_enabled)) if on]
    print(f"would start: {', '.join(adapters) if adapters else 'console'}")
    for problem in found:
        print(redact(f"mentorbot: {problem}"), file=sys.stderr)
    return 2 if found else 0


async def export(config: Config, args: argparse.Namespace) -> int:
    from bot.admin.export import TABLES, CsvStyle, collect, person_names, readable_csv, to_json
    from bot.kernel.app import build_app
    from bot.kernel.clock import SystemClock

    clock = SystemClock()
    app = await build_app(config, clock)  # features register their tables here
    try:
        if args.table and args.table not in TABLES:
            print(f"mentorbot: unknown table {args.table!r} (known: {', '.join(TABLES)})",
                  file=sys.stderr)
            return 2
        data = await collect(app.db, args.programme, [args.table] if args.table else None)
        async with app.db.read() as tx:
            names = await person_names(tx, args.programme)
        catalogue = app.services.catalogue
    finally:
        await app.close()
    if args.format == "json":
        text = to_json(data, clock.now())
        if args.out:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return 0
    # For a person with a spreadsheet: words, names, local times, a BOM in files.
    code = args.programme or (next(iter(config.programmes)) if len(config.programmes) == 1
                              else "")
    zone = args.timezone or getattr(config.programmes.get(code), "timezone", "UTC")
    style = CsvStyle(args.lang, zone or "UTC", names)
    if not args.out:
        print(readable_csv(data[args.table or "people"], catalogue, style, bom=False), end="")
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        (out / f"{name}.csv").write_text(readable_csv(rows, catalogue, style),
                                         encoding="utf-8", newline="")
        print(out / f"{name}.csv")
    return 0


async def match_cohort(config: Config, args: argparse.Namespace) -> int:
    from bot.kernel.app import build_app
    from bot.kernel.clock import SystemClock
    from bot.mentoring.cohorts import apply_plan, plan_cohort, render_plan

    code = args.programme or next(iter(config.programmes))
    if code not in config.programmes:
        print(f"mentorbot: unknown programme {code!r} (known: {', '.join(config.programmes)})",
              file=sys.stderr)
        return 2
    app = await build_app(config, SystemClock())
    try:
        programme_id = app.services.programme_ids[code]
        async with app.db.transaction() as tx:
            plan = await plan_cohort(tx, app.services, programme_id, args.mode)
            print(render_plan(plan, app.services, args.lang, limit=100_000))
            if args.apply:
                months = config.programmes[code].relationship_months
                created = await apply_plan(tx, app.services, plan, app.services.clock.now(),
                                           months)
                print(app.services.catalogue.text(args.lang, "cohort.applied", count=created))
    finally:
        await app.close()
    return 0
