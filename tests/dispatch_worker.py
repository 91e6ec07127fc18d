"""One bot process that only dispatches, for tests/test_dispatch_processes_postgres.py: it delivers
the outbox of `database` through a transport that appends each text to `sent_file` (flushed
at once, so that a kill loses no record of what went out), until nothing is left to send."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.kernel.app import build_app
from bot.kernel.clock import SimulatedClock
from bot.kernel.events import Address, Reply
from tests.conftest import START, make_config


class FileTransport:
    platform = "console"

    def __init__(self, path: Path) -> None:
        self.file = path.open("a", encoding="utf-8")

    async def send(self, address: Address, reply: Reply) -> None:
        self.file.write(reply.text + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())
        await asyncio.sleep(0.005)  # a platform's round trip: the kill lands mid-batch


async def main(database: str, sent_file: str) -> None:
    config = make_config(Path(sent_file).parent)
    config.bot.database = database
    app = await build_app(config, SimulatedClock(START))
    dispatcher = app.dispatcher({"console": FileTransport(Path(sent_file))})
    try:
        while True:
            await dispatcher.run_once()
            async with app.db.read() as tx:
                left = await tx.value("SELECT count(*) FROM outbox WHERE kind != 'job'"
                                      " AND status IN ('pending', 'sending')")
            if not left:
                break
            await asyncio.sleep(0.02)  # another process holds the lease: wait for it
    finally:
        await dispatcher.release()
        await app.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
