"""`/admin export [json|csv]`: the programme's data as files in the chat.

The same tables, columns and JSON document as `mentorbot export` (bot/admin/export.py,
docs/export-schema.md), restricted to the coordinator's own programme: a JSON file and a
zip holding one `<table>.csv` per table (both by default). The CSV files are written for a
person with a spreadsheet (bot/admin/export.readable_csv): column names in the coordinator's
language, names beside ids, times also in the programme's zone (else the coordinator's).
The export is read inside the event's transaction, so it is one consistent snapshot.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from bot.admin import export
from bot.admin.admin import AdminRegistry
from bot.kernel.context import Context
from bot.kernel.events import Attachment, Reply
from bot.kernel.roles import audit, programme_code
from bot.kernel.router import Router
from bot.text.figure_text import number

FORMATS = ("json", "csv")


async def cmd_export(ctx: Context, args: str) -> list[Reply]:
    wanted = args.strip().lower()
    if wanted and wanted not in FORMATS:
        return [ctx.say("export.usage")]
    code = programme_code(ctx)
    # Not `collect`: it opens its own read session, which would wait for this transaction's
    # lock forever. `rows` is the per-table half of it.
    data = {name: await export.rows(ctx.tx, table, code)
            for name, table in export.TABLES.items()}
    stem = f"mentorbot-{re.sub(r'[^A-Za-z0-9_-]', '_', code) or 'programme'}-{ctx.now:%Y-%m-%d}"
    rows = sum(len(table) for table in data.values())
    summary = ctx.t("export.done", programme=ctx.services.programme_name(ctx.person.programme_id),
                    tables=number(len(data), ctx.lang, 0), rows=number(rows, ctx.lang, 0))
    replies = [ctx.reply(summary)]
    if wanted in ("", "json"):
        document = export.to_json(data, ctx.now).encode()
        replies.append(Reply(ctx.address, ctx.t("export.json"),
                             file=Attachment(f"{stem}.json", document, "application/json")))
    if wanted in ("", "csv"):
        style = export.CsvStyle(ctx.lang, _zone(ctx), await export.person_names(ctx.tx, code))
        files = {name: export.readable_csv(table, ctx.services.catalogue, style)
                 for name, table in data.items()}
        replies.append(Reply(ctx.address, ctx.t("export.csv"),
                             file=Attachment(f"{stem}-csv.zip", _zip(files, ctx.now),
                                             "application/zip")))
    await audit(ctx, f"export {wanted or 'json+csv'}: {rows} rows", True)
    return replies


def _zone(ctx: Context) -> str:
    """Local times in the programme's zone when the config gives one, else the
    coordinator's own (profile, then platform), else none (UTC only)."""
    settings = ctx.services.config.programmes.get(programme_code(ctx))
    configured = getattr(settings, "timezone", "UTC") if settings is not None else "UTC"
    return (configured if configured and configured != "UTC"
            else ctx.person.timezone or ctx.address.timezone or "UTC")


def _zip(files: dict[str, str], now: datetime) -> bytes:
    """One `<table>.csv` per table (an empty table is an empty file, as the CLI writes it)."""
    stamp = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            entry = zipfile.ZipInfo(f"{name}.csv", date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()


def register(router: Router, registry: AdminRegistry) -> None:
    registry.add("export", cmd_export, "coordinators.help.export")
