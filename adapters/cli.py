"""The `mentorbot` command (pyproject.toml's script): bot/kernel/cli.py's commands, given the edge.

The parser and every command that needs no adapter live in bot/kernel/cli.py; this module hands it
the process that serves the platforms (adapters/main.py) and the adapters' checks of their
settings, so that the core imports no adapter.

    mentorbot run | console | check-config | export | match | import
    python -m adapters.cli console --clock simulated
"""

from __future__ import annotations

import sys

from adapters.main import adapter_problems, run
from bot.kernel import cli

EDGE = cli.Edge(run=run, adapter_problems=adapter_problems)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, EDGE)


if __name__ == "__main__":
    sys.exit(main())
