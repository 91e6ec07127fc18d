"""The console adapter: a scripted or interactive chat in a terminal.

Line syntax (stdin, one event per line, works without a tty):
  @handle text      speak as that person (created on first use); later lines without
                    @handle speak as the same person
  @handle /cmd args a command;  #N presses button N of that person's latest buttons
  /time +3d         advance the simulated clock (with --clock simulated) and deliver what
                    became due
  # comment         ignored (a space after #), as are blank lines
Every bot message is printed as `→ @handle: text` with its numbered buttons below. A file
the bot sends (an export, an .ics invitation, a chart, /mydata) is saved in a folder next to
the database (`<db stem>-files/`, or `--files DIR`) and printed as `→ @handle: [file: path]`.
The next line is read only once the bot is idle (replies printed, due messages delivered).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.kernel.app import App, save_simulated_clock
from bot.kernel.clock import SimulatedClock, parse_duration
from bot.kernel.dispatcher import Dispatcher
from bot.kernel.events import Action, Address, Attachment, Button, Command, Event, Message, Reply
from bot.kernel.inbound import InboundQueue
from bot.kernel.markup import without_markers
from bot.store import is_postgres
from bot.store.state import get_meta, set_meta

log = logging.getLogger(__name__)

PLATFORM = "console"
WORKSPACE = "local"
DEFAULT_HANDLE = "me"
STEP = timedelta(hours=1)
BANNER = ("mentorbot console — '@name text' speaks as someone (try '@alex /start'), "
          "'#N' presses button N, Ctrl-D quits.")
_HANDLE = re.compile(r"^@([A-Za-z0-9][\w.-]{0,39})(?:\s+(.*))?$", re.DOTALL)
_PRESS = re.compile(r"^#(\d{1,3})$")
BUTTONS_KEY = "console_last_buttons"  # meta: each handle's last buttons, across restarts
MAX_UPLOAD = 2_000_000  # bytes read from a file named on a command line


def console_address(handle: str) -> Address:
    """@amina.diallo speaks as "Amina Diallo" (the handle is the identity, the name a hint)."""
    name = " ".join(part.capitalize() for part in re.split(r"[._-]+", handle) if part)
    return Address(PLATFORM, WORKSPACE, handle.lower(), display_name=name or handle)


def render_reply(reply: Reply, first: int = 1, saved: Path | None = None) -> str:
    """`→ @handle: text` then `   [N] label` for each button and choice, then
    `→ @handle: [file: path]` for a file saved (or its name and size when none was)."""
    lines = [f"→ @{reply.to.user_id}: {without_markers(reply.text)}"]
    for number, button in enumerate((*reply.buttons, *reply.choices), start=first):
        lines.append(f"   [{number}] {without_markers(button.label)}")
    if saved is not None:
        lines.append(f"→ @{reply.to.user_id}: [file: {saved}]")
    elif reply.file is not None:
        lines.append(f"   📎 {reply.file.filename} ({len(reply.file.content)} bytes)")
    return "\n".join(lines)


def files_dir_for(database: str | Path) -> Path | None:
    """Where the console keeps files by default: `<db stem>-files/` beside the database, or
    `mentorbot-files/` in the current folder when the database is a PostgreSQL server."""
    if str(database) == ":memory:":
        return None
    if is_postgres(database):  # a URL is no path: its parts would become folders
        return Path("mentorbot-files")
    path = Path(database)
    return path.with_name(f"{path.stem}-files")


def save_file(folder: Path, filename: str, content: bytes) -> Path:
    """Write `content` in `folder` under the file's own name (never a path it carries); a
    different file of the same name gets `-2`, `-3`… instead of replacing it."""
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(filename).name or "file"
    stem, suffix = (name[:-len(".csv.zip")], ".csv.zip") if name.endswith(".csv.zip") \
        else (Path(name).stem, Path(name).suffix)
    target, number = folder / name, 1
    while target.exists() and target.read_bytes() != content:
        number += 1
        target = folder / f"{stem}-{number}{suffix}"
    target.write_bytes(content)
    return target


def attached(args: str) -> Attachment | None:
    """A command whose last word names a file sends that file with it, as an upload would
    on Slack or Telegram: `/admin import roster.csv`."""
    words = args.split()
    path = Path(words[-1]).expanduser() if words else None
    if path is None or not path.is_file():
        return None
    with path.open("rb") as file:
        content = file.read(MAX_UPLOAD + 1)  # the core refuses what is too big, and says so
    return Attachment(path.name, content, "text/csv" if path.suffix == ".csv" else
                      "application/octet-stream")


class ConsoleTransport:
    """Prints replies and remembers each person's latest buttons for `#N`."""

    platform = PLATFORM

    def __init__(self, out: TextIO, files_dir: Path | None = None) -> None:
        self.out = out
        self.files_dir = files_dir
        self.latest_buttons: dict[str, tuple[Button, ...]] = {}
        self._this_turn: set[str] = set()

    def new_turn(self) -> None:
        """Buttons of all messages a person gets in one turn are numbered as one list."""
        self._this_turn.clear()

    async def send(self, address: Address, reply: Reply) -> None:
        self.show(reply)

    def show(self, reply: Reply) -> None:
        handle = reply.to.user_id
        buttons = (*reply.buttons, *reply.choices)
        first = 1
        if buttons:
            if handle in self._this_turn:
                first = len(self.latest_buttons[handle]) + 1
                self.latest_buttons[handle] += buttons
            else:
                self.latest_buttons[handle] = buttons
                self._this_turn.add(handle)
        saved = None
        if reply.file is not None and self.files_dir is not None:
            saved = save_file(self.files_dir, reply.file.filename, reply.file.content)
        print(render_reply(reply, first, saved), file=self.out, flush=True)


class Console:
    """The terminal chat. In a process (adapters/main.py) it is given the process's inbound
    queue and dispatcher, and its transport joins the process's registry; alone (tests,
    scripts) it has its own."""

    platform = PLATFORM

    def __init__(self, app: App, out: TextIO = sys.stdout, files_dir: Path | None = None,
                 echo: bool = False, *, inbound: InboundQueue | None = None,
                 dispatcher: Dispatcher | None = None) -> None:
        self.app = app
        self.out = out
        self.echo = echo  # print each input line, so a scripted run reads as a transcript
        self.transport = ConsoleTransport(
            out, files_dir if files_dir is not None else files_dir_for(app.db.path))
        self.inbound = inbound if inbound is not None else InboundQueue(app.bot.handle)
        self.dispatcher = dispatcher if dispatcher is not None else \
            app.dispatcher({PLATFORM: self.transport})
        self.speaker = DEFAULT_HANDLE
        self._saved_buttons: str | None = None  # as last written by remember_buttons

    async def run(self, source: TextIO = sys.stdin) -> None:
        if source.isatty():
            print(BANNER, file=self.out, flush=True)
            if isinstance(self.app.services.clock, SimulatedClock):
                self.show_clock()
        await self.restore_buttons()
        await self.dispatcher.recover()
        await self.deliver_due()
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, source.readline)
            if not line:
                break  # EOF: leave cleanly
            await self.feed(line.rstrip("\n"))
            await self.remember_buttons()

    async def remember_buttons(self) -> None:
        """Keep everyone's last buttons in the database, so that `#N` still works after a
        restart (`make run` again the next day). Only what a press needs: action and value,
        ids and codes, never the labels, which may hold names."""
        pressable = {handle: [[b.action_id, b.value] for b in buttons]
                     for handle, buttons in self.transport.latest_buttons.items()}
        saved = json.dumps(pressable, sort_keys=True)
        if saved != self._saved_buttons:
            async with self.app.db.transaction() as tx:
                await set_meta(tx, BUTTONS_KEY, saved)
            self._saved_buttons = saved

    async def restore_buttons(self) -> None:
        async with self.app.db.read() as tx:
            saved = await get_meta(tx, BUTTONS_KEY)
        try:
            pressable = json.loads(saved) if saved else {}
            self.transport.latest_buttons = {
                str(handle): tuple(Button("", str(action), str(value))
                                   for action, value in buttons)
                for handle, buttons in pressable.items()}
        except (ValueError, TypeError, AttributeError):  # a damaged value: start without
            self.transport.latest_buttons = {}
        self._saved_buttons = saved

    async def feed(self, line: str) -> None:
        """Handle one input line completely (replies and due messages) before returning."""
        line = line.strip()
        if not line or line.startswith("# "):
            return
        if self.echo:
            print(f"← {line}", file=self.out, flush=True)
        match = _HANDLE.match(line)
        if match:
            self.speaker = match.group(1).lower()
            line = (match.group(2) or "").strip()
            if not line:
                return
        address = console_address(self.speaker)
        if line.startswith("/time"):
            await self.advance_clock(line.removeprefix("/time").strip())
            return
        event = self.parse(address, line)
        if event is None:
            return
        self.transport.new_turn()
        await self.inbound.put(address.key, event, self._show)
        await self.deliver_due()

    async def _show(self, event: Event, replies: list[Reply]) -> None:
        for reply in replies:
            self.transport.show(reply)

    def parse(self, address: Address, line: str) -> Message | Command | Action | None:
        press = _PRESS.match(line)
        if press:
            buttons = self.transport.latest_buttons.get(address.user_id, ())
            index = int(press.group(1)) - 1
            if not 0 <= index < len(buttons):
                print(f"(no button {press.group(1)} for @{address.user_id})", file=self.out)
                return None
            button = buttons[index]
            return Action(address, button.action_id, button.value)
        if line.startswith("/") and len(line) > 1:
            name, _, args = line[1:].partition(" ")
            return Command(address, name, args.strip(), attachment=attached(args))
        return Message(address, line)

    async def advance_clock(self, amount: str) -> None:
        clock = self.app.services.clock
        delta = parse_duration(amount)
        if not isinstance(clock, SimulatedClock):
            print("(/time needs --clock simulated)", file=self.out)
            return
        if delta is None:
            print("(usage: /time +3d, +2h, +30m or +1w)", file=self.out)
            return
        self.transport.new_turn()
        # Step an hour at a time so that what falls due on the way is delivered on time,
        # as it would be in real life, instead of being judged late after one big jump.
        while delta > timedelta(0):
            step = min(delta, STEP)
            clock.advance(step)
            delta -= step
            await save_simulated_clock(self.app.db, clock)  # a crash mid-jump keeps the time
            await self.deliver_due()
        await save_simulated_clock(self.app.db, clock)
        self.show_clock()

    def show_clock(self) -> None:
        print(f"(clock: {self.app.services.clock.now():%Y-%m-%d %H:%M} UTC)", file=self.out,
              flush=True)

    async def deliver_due(self) -> None:
        while (await self.dispatcher.run_once()).sent:
            pass
