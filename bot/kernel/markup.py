"""What is live in a reply's text: only the mentions and contact links the core itself wrote.

Replies use the catalogues' restricted markup (`*bold*`, `_italic_`, "- " bullets). A Slack
mention (`<@U123>`) or a Telegram contact link (`tg://user?id=42`) is *live* — rendered as a
mention or a link — only when the core wrapped it with `live()` (bot/mentoring/contact.py does,
for the introduction's contact). Everything else, above all what people typed (names, goals, request
notes, relayed words, reports, broadcasts), is inert: each adapter escapes it for its
platform, so `<@U123>`, `<!channel>` or `tg://user?id=42` typed by someone reaches another
person as plain text, never as a ping or a link.

Default-deny rather than "escape what users typed": a value interpolated anywhere (a param,
a text pre-rendered in every language, a joined list, an outbox row stored as JSON) stays
inert without anyone having to remember to mark it.

The wrappers are two Unicode noncharacters (U+FDD0, U+FDD1), which Unicode sets aside for a
program's internal use. They survive string formatting, joining and JSON; `bot/kernel/events.py`
removes them from everything that comes in, so nobody can type a live mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

LIVE_START = "\ufdd0"
LIVE_END = "\ufdd1"
_MARKERS = re.compile("[\ufdd0\ufdd1]")
_LIVE = re.compile("\ufdd0([^\ufdd0\ufdd1]*)\ufdd1")


def live(token: str) -> str:
    """Mark `token` (a mention or contact link written by the core) as meant to be live."""
    return LIVE_START + without_markers(token) + LIVE_END


def without_markers(text: str) -> str:
    """`text` with every live marker removed: what a reader sees, or an inbound text."""
    return _MARKERS.sub("", text) if LIVE_START in text or LIVE_END in text else text


def pieces(text: str) -> Iterator[tuple[str, bool]]:
    """(piece, is_live) in order, markers removed; a lone marker (a text cut in the middle of
    a token) makes nothing live."""
    position = 0
    for token in _LIVE.finditer(text):
        if token.start() > position:
            yield without_markers(text[position:token.start()]), False
        yield token.group(1), True
        position = token.end()
    if position < len(text):
        yield without_markers(text[position:]), False
