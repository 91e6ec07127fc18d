"""Our restricted markup -> Telegram HTML, long texts cut into messages, keyboard layout (pure).

The catalogues write `*bold*`, `_italic_` and "- " bullets. Telegram is sent
`parse_mode="HTML"`: every `&`, `<` and `>` of the text is escaped, bold and italic become
`<b>`/`<i>` (always properly nested: italics are looked for inside and outside bold spans,
never across them), bullets become "•", and `tg://user?id=N` contact links become links.
Markup characters inside words (`snake_case`, `2*3*4`) and inside URLs stay as they are.

A text longer than Telegram's 4,096 characters is cut *before* rendering, at a paragraph
break if possible, else a line break, else a space, else between two characters (never
between a character and its combining mark). Each part is rendered on its own, so no part
can end inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence

from bot.events import Button

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
_SEPARATORS = ("\n\n", "\n", " ")


def utf16_len(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def to_html(text: str) -> str:
    """Render one text in Telegram's HTML; the result is always valid for parse_mode=HTML."""
    lines = _BULLET.sub(r"\1• ", text).split("\n")
    return "\n".join(_line_html(line) for line in lines)


def to_plain(text: str) -> str:
    """The same text without markup, for a last-resort resend without parse_mode."""
    lines = _BULLET.sub(r"\1• ", text).split("\n")
    return "\n".join(_ITALIC.sub(r"\1", _BOLD.sub(r"\1", line)) for line in lines)


def _line_html(line: str) -> str:
    out: list[str] = []
    position = 0
    for url in _URL.finditer(line):
        out.append(_styled(line[position:url.start()]))
        out.append(_link(url.group()))
        position = url.end()
    out.append(_styled(line[position:]))
    return "".join(out)


def _link(url: str) -> str:
    escaped = html.escape(url, quote=True)
    if _TG_USER.fullmatch(url):
        return f'<a href="{escaped}">{escaped}</a>'
    return escaped  # Telegram links http(s) URLs by itself


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
        if size * 6 <= limit:
            return True
        return size <= limit and utf16_len(to_html(candidate)) <= limit

    parts: list[str] = []
    current: str | None = None
    for separator, piece in _pieces(text, fits, 0):
        if current is None:
            current = piece
            continue
        candidate = current + separator + piece
        if fits(candidate):
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current is not None:
        parts.append(current)
    return [part.strip("\n") for part in parts if part.strip()]


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
