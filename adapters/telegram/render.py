"""Our restricted markup -> Telegram HTML, long texts cut into messages, keyboard layout (pure).

The catalogues write `*bold*`, `_italic_` and "- " bullets. Telegram is sent
`parse_mode="HTML"`: every `&`, `<` and `>` of the text is escaped, bold and italic become
`<b>`/`<i>` (always properly nested: italics are looked for inside and outside bold spans,
never across them), bullets become "•", and a `tg://user?id=N` contact link becomes a link
only when the core marked it live (bot/kernel/markup.py). Anything else that looks like a Telegram
link (`tg://`, `ton://`, `tonsite://`, which Telegram would make clickable by itself) gets a
word joiner after its colon, so what people typed never turns into a link to a profile or
an in-app action. Markup characters inside words (`snake_case`, `2*3*4`) and inside URLs
stay as they are.

A text longer than Telegram's 4,096 characters is cut *before* rendering, at a paragraph
break if possible, else a line break, else a space, else between two characters (never
between a character and its combining mark). Each part is rendered on its own, so no part
can end inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate

from bot.kernel.events import Button
from bot.kernel.markup import pieces, without_markers

MESSAGE_LIMIT = 4096   # sendMessage text
CAPTION_LIMIT = 1024   # sendDocument / sendPhoto caption
MAX_BUTTONS = 100      # Telegram refuses bigger inline keyboards
ROW_CHARS = 30         # buttons whose labels fit in this many characters share a row
EMPTY_TEXT = "…"       # Telegram refuses an empty message; a keyboard still needs one

_URL = re.compile(r"(?:https?|tg)://[^\s<>\"]*[^\s<>\".,;:!?)\]}'’»]")
_TG_USER = re.compile(r"tg://user\?id=\d{1,20}")
_BOLD = re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?![\s_])(.+?)(?<![\s_])_(?![\w_])")
_BULLET = re.compile(r"^(\s*)- ", re.MULTILINE)
_GLUE = frozenset({"\u200d", "\ufe0e", "\ufe0f"})  # joiners and variation selectors
# What Telegram's own link detection (TDLib's find_tg_urls) turns into a link: "tg://"
# anywhere, even inside a word, in any case. A word joiner after the colon breaks it.
_APP_LINK = re.compile(r"(?:tg|ton|tonsite):(?=//)", re.IGNORECASE)
_WORD_JOINER = "\u2060"
_TAG = re.compile(r"<[^<>]*>")
_HTML_TOKEN = re.compile(r"<[^<>]*>|&(?:lt|gt|amp|quot);|.", re.DOTALL)
_SEPARATORS = ("\n\n", "\n", " ")


def utf16_len(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def to_html(text: str) -> str:
    """Render one text in Telegram's HTML; the result is always valid for parse_mode=HTML."""
    lines = _BULLET.sub(r"\1• ", text).split("\n")
    return _inert_app_links("\n".join(_line_html(line) for line in lines))


def to_plain(text: str) -> str:
    """The same text without markup, for a last-resort resend without parse_mode."""
    lines = _BULLET.sub(r"\1• ", without_markers(text)).split("\n")
    plain = "\n".join(_ITALIC.sub(r"\1", _BOLD.sub(r"\1", line)) for line in lines)
    return _APP_LINK.sub(lambda m: m.group() + _WORD_JOINER, plain)


def _line_html(line: str) -> str:
    out: list[str] = []
    for piece, is_live in pieces(line):
        if is_live and _TG_USER.fullmatch(piece):
            out.append(f'<a href="{piece}">{piece}</a>')  # digits only: nothing to escape
        else:
            out.append(_inert_line_html(piece))
    return "".join(out)


def _inert_line_html(line: str) -> str:
    out: list[str] = []
    position = 0
    for url in _URL.finditer(line):
        out.append(_styled(line[position:url.start()]))
        out.append(html.escape(url.group(), quote=False))  # Telegram links http(s) by itself
        position = url.end()
    out.append(_styled(line[position:]))
    return "".join(out)


def _inert_app_links(rendered: str) -> str:
    """A word joiner after the colon of every `tg://` Telegram would see in the shown text
    (markup may split it: `*tg*://`), except inside our own links."""
    if not _APP_LINK.search(html.unescape(_TAG.sub("", rendered))):
        return rendered  # the usual case, checked at C speed
    shown: list[str] = []
    ends: list[int] = []  # where each shown character ends in `rendered`
    in_link = False
    for token in _HTML_TOKEN.finditer(rendered):
        part = token.group()
        if len(part) > 1 and part[0] == "<":
            in_link = part.startswith("<a ") or (in_link and part != "</a>")
            continue
        shown.append("\0" if in_link else html.unescape(part))
        ends.append(token.end())
    cuts = [ends[m.end() - 1] for m in _APP_LINK.finditer("".join(shown))]
    out, position = [], 0
    for cut in cuts:
        out += [rendered[position:cut], _WORD_JOINER]
        position = cut
    out.append(rendered[position:])
    return "".join(out)


def _styled(segment: str) -> str:
    out: list[str] = []
    position = 0
    for bold in _BOLD.finditer(segment):
        out.append(_italics(segment[position:bold.start()]))
        out.append(f"<b>{_italics(bold.group(1))}</b>")
        position = bold.end()
    out.append(_italics(segment[position:]))
    return "".join(out)


def _italics(segment: str) -> str:
    out: list[str] = []
    position = 0
    for italic in _ITALIC.finditer(segment):
        out.append(html.escape(segment[position:italic.start()], quote=False))
        out.append(f"<i>{html.escape(italic.group(1), quote=False)}</i>")
        position = italic.end()
    out.append(html.escape(segment[position:], quote=False))
    return "".join(out)


# --- long texts ---------------------------------------------------------------------------

def split(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut `text` (our markup, not HTML) into parts whose rendering fits in `limit` each.

    Parts keep their order; blank-only parts are dropped. An empty text gives [].
    """
    if limit < 16:
        raise ValueError("limit too small to hold a character and its escaping")

    def fits(candidate: str) -> bool:
        # Rendering never shortens a text and never more than sextuples it ("&" -> "&amp;",
        # tags): only lengths in between need the actual rendering.
        size = utf16_len(candidate)
        return size * 6 <= limit or (size <= limit and rendered_len(candidate) <= limit)

    parts: list[str] = []
    for part in _pack(_pieces(text, fits, 0), fits, limit):
        # The bound behind _pack can only be wrong for a contact link cut in the middle of a
        # word longer than a message; this guard keeps even that part within the limit.
        parts.extend([part] if fits(part) else _hard_cut(part, fits))
    return [part.strip("\n") for part in parts if part.strip()]


def rendered_len(text: str) -> int:
    return utf16_len(to_html(text))


def _bound(text: str) -> int:
    """An upper bound of `rendered_len(text)` that adds up when texts are joined.

    Escaping adds 4 units per "&" and 3 per "<" or ">"; a bold or italic pair turns its
    two markers into 7 characters of tags (3 per marker is more than enough); a contact link
    is written twice, plus 15 characters of tag; a colon may get a word joiner.
    """
    extra = 4 * text.count("&") + 3 * sum(text.count(c) for c in "<>*_") + text.count(":")
    extra += sum(len(link) + 15 for link in _TG_USER.findall(text))
    return utf16_len(text) + extra


def _pack(pieces: list[tuple[str, str]], fits: Callable[[str], bool], limit: int) -> list[str]:
    """Join consecutive pieces greedily into parts that fit, rendering only O(log n) texts each.

    For pieces start..end, the raw length (rendering never shortens) says where a part surely
    ends at the latest, the additive bound where it surely fits; a binary search with the
    actual rendering settles the cut in between.
    """
    raw = list(accumulate((utf16_len(s) + utf16_len(p) for s, p in pieces), initial=0))
    safe = list(accumulate((_bound(s) + _bound(p) for s, p in pieces), initial=0))

    def joined(start: int, end: int) -> str:
        return pieces[start][1] + "".join(s + p for s, p in pieces[start + 1:end])

    parts: list[str] = []
    start = 0
    while start < len(pieces):
        first = pieces[start][1]
        # The largest `end` whose raw length / bound stays within the limit (at least one piece).
        most = bisect_right(raw, limit - utf16_len(first) + raw[start + 1], lo=start + 1) - 1
        sure = bisect_right(safe, limit - _bound(first) + safe[start + 1], lo=start + 1) - 1
        low, high = max(start + 1, min(sure, most)), max(start + 1, most)
        while low < high:
            middle = (low + high + 1) // 2
            if fits(joined(start, middle)):
                low = middle
            else:
                high = middle - 1
        parts.append(joined(start, low))
        start = low
    return parts


def _pieces(text: str, fits: Callable[[str], bool], level: int) -> list[tuple[str, str]]:
    """(separator before it, piece) pairs; each piece fits alone."""
    if fits(text):
        return [("", text)]
    if level == len(_SEPARATORS):
        return [("", chunk) for chunk in _hard_cut(text, fits)]
    separator = _SEPARATORS[level]
    pieces: list[tuple[str, str]] = []
    for index, chunk in enumerate(text.split(separator)):
        sub = _pieces(chunk, fits, level + 1)
        if index > 0:
            sub[0] = (separator, sub[0][1])
        pieces.extend(sub)
    return pieces


def _hard_cut(text: str, fits: Callable[[str], bool]) -> list[str]:
    """A word longer than a message: cut between characters, the longest prefix that fits."""
    chunks: list[str] = []
    while text:
        low, high = 1, len(text)
        while low < high:  # the longest prefix that fits (rendering grows with length)
            middle = (low + high + 1) // 2
            if fits(text[:middle]):
                low = middle
            else:
                high = middle - 1
        cut = low
        while 1 < cut < len(text) and _glued(text, cut):
            cut -= 1  # keep an accent, a joiner or a variation selector with its character
        chunks.append(text[:cut])
        text = text[cut:]
    return chunks


def _glued(text: str, cut: int) -> bool:
    after, before = text[cut], text[cut - 1]
    return bool(unicodedata.combining(after)) or after in _GLUE or before == "\u200d"


# --- keyboards -----------------------------------------------------------------------------

def keyboard_rows(buttons: Sequence[Button], choices: Sequence[Button]) -> list[list[Button]]:
    """Buttons on one row when their labels are short, else one per row; choices below them.

    Telegram cuts long labels in narrow buttons, so a row only holds what stays readable.
    """
    rows: list[list[Button]] = []
    buttons, choices = list(buttons)[:MAX_BUTTONS], list(choices)
    choices = choices[:MAX_BUTTONS - len(buttons)]
    if buttons:
        if len(buttons) <= 3 and sum(len(b.label) for b in buttons) <= ROW_CHARS:
            rows.append(buttons)
        else:
            rows.extend([b] for b in buttons)
    short = all(len(c.label) <= ROW_CHARS // 2 for c in choices)
    step = 2 if short else 1
    rows.extend(choices[i:i + step] for i in range(0, len(choices), step))
    return rows


def button_label(button: Button) -> str:
    """Labels are plain text on Telegram: no markup, never empty."""
    label = to_plain(button.label).strip().replace("\n", " ")
    return label[:64] or "•"
