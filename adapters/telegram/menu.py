"""The command menu Telegram shows next to the text box, built from the /help catalogue lines.

Each listed command has a `help.*` line such as "/find — get mentor suggestions"; the menu
description is the text after the dash. The menu is set in English (the default for every
other language) and in French (`language_code="fr"`), so nothing is translated twice.
"""

from __future__ import annotations

import re

from telegram import BotCommand

from adapters.telegram.render import to_plain
from bot.kernel.i18n import Catalogue
from bot.kernel.router import Router

MENUS = (("en", None), ("fr", "fr"))  # (our language, Telegram language_code)
MAX_COMMANDS = 100
MAX_DESCRIPTION = 256
_NAME = re.compile(r"^[a-z0-9_]{1,32}$")  # what Telegram accepts as a command name


def command_menu(router: Router, catalogue: Catalogue, lang: str) -> list[BotCommand]:
    """The public commands (not admin ones) in /help order, described in `lang`."""
    menu: list[BotCommand] = []
    for name in router.help_order:
        spec = router.commands.get(name)
        if spec is None or spec.admin or not spec.help_key or not _NAME.match(name):
            continue
        description = describe(catalogue.text(lang, spec.help_key))
        if description:
            menu.append(BotCommand(name, description))
    return menu[:MAX_COMMANDS]


def describe(help_line: str) -> str:
    """"/find — get mentor *suggestions*" -> "Get mentor suggestions"."""
    _, dash, after = help_line.partition("—")
    text = " ".join(to_plain(after if dash else help_line).split())
    return (text[:1].upper() + text[1:])[:MAX_DESCRIPTION]
