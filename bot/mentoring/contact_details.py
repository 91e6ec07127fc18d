"""Spotting contact details in a relayed message: phone numbers, e-mail addresses, links,
@handles and the names of messaging apps.

Relay mode (bot/mentoring/relay.py) holds every message where one is found until a coordinator
approves it, so this errs on the side of finding too much: a false alarm costs a coordinator
one click, a miss hands a teenager's phone number to a stranger. The text is NFKC-normalised
first, so full-width digits (０６…) and letters count like plain ones, and the usual
disguises are understood: "name [at] example [dot] org", "06.12.34.56.78", "+1 (514) 555-0199".

Known limits (documented in docs/privacy.md): numbers spelled out in words ("zero six…"),
digits spread over several messages, or pictures of text are not detected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Top-level domains that end a bare domain name ("mon-site.fr"). Ambiguous ones that are also
# common words (it, me, be, to…) count only in lower case right after a dot ("nora.me").
_TLDS = (
    "com|org|net|fr|ca|eu|uk|de|es|ch|info|biz|edu|gov|int|io|app|dev|ly|gg|tv|xyz|online|"
    "site|page|link|club|shop|store|live|pro|name|mobi|email|social|chat|blog|cloud|tech|"
    "qc|quebec|paris|bzh|re|gp|mq|ma|sn|ci|cm|tn|dz|ht|lu|nl|pt|pl|ru|br|mx|au|nz|jp|cn|"
    "ws|cc|fm|sh|gl|ai|im|li|ms|ac|vc|bio|top|fun|lol|art|news|one|space|website|network"
)
_AMBIGUOUS_TLDS = "me|it|be|to|is|in|us|co|so|no|at|la|tk|ly"

_OPEN = r"[\[\(\{<]"
_CLOSE = r"[\]\)\}>]"
_AT = rf"(?:\s*@\s*|\s*{_OPEN}\s*(?:at|arobase|@|a)\s*{_CLOSE}\s*|\s+(?:at|arobase)\s+)"
_DOT = rf"(?:\s*\.\s*|\s*{_OPEN}\s*(?:dot|point|\.)\s*{_CLOSE}\s*|\s+(?:dot|point)\s+)"
# Matches start only where a word starts, and parts are bounded (RFC 5321: 64 characters
# before the @), so a 4,000-character word costs linear time, not quadratic.
_LOCAL = r"(?<![\w.+%-])[\w.+%-]{0,63}\w"
_LABEL = r"\w[\w-]{0,62}"
_WORD_START = r"(?<![\w@.-])"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(rf"{_LOCAL}\s*@\s*{_LABEL}(?:\s*\.\s*{_LABEL})+")),
    ("email", re.compile(
        rf"{_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL}){{0,4}}{_DOT}(?:{_TLDS}|{_AMBIGUOUS_TLDS})"
        r"(?!\w)", re.IGNORECASE)),
    ("link", re.compile(r"\b[a-z][a-z0-9+.-]{1,15}://\S*", re.IGNORECASE)),
    ("link", re.compile(r"\b(?:mailto|tel|sms|callto|skype|whatsapp|tg|viber):\S+",
                        re.IGNORECASE)),
    ("link", re.compile(rf"\bwww\s*(?:\.|{_OPEN}\s*(?:dot|point)\s*{_CLOSE})\s*\S+",
                        re.IGNORECASE)),
    ("link", re.compile(rf"{_WORD_START}{_LABEL}(?:\.{_LABEL}){{0,4}}\.(?:{_TLDS})(?![\w-])"
                        r"(?:/\S*)?", re.IGNORECASE)),
    ("link", re.compile(rf"{_WORD_START}[a-z0-9][a-z0-9-]{{0,62}}\.(?:{_AMBIGUOUS_TLDS})"
                        r"(?![\w-])(?:/\S*)?")),
    # "site [dot] fr": brackets say it all, any ending counts; "site dot com": known endings
    ("link", re.compile(rf"{_WORD_START}{_LABEL}\s*{_OPEN}\s*(?:dot|point|\.)\s*{_CLOSE}\s*"
                        r"[a-z]{2,24}(?![\w-])", re.IGNORECASE)),
    ("link", re.compile(rf"{_WORD_START}{_LABEL}\s+(?:dot|point)\s+(?:{_TLDS})(?!\w)",
                        re.IGNORECASE)),
    ("link", re.compile(r"\b(?:t|wa|telegram|discord|signal|m)\s*\.\s*(?:me|gg|com|group)"
                        r"\s*/\s*\S+", re.IGNORECASE)),
    ("handle", re.compile(r"(?<![\w@.])@(?:[A-Za-z0-9_][\w.-]*|\s[A-Za-z_][\w.-]{2,})")),
    ("app", re.compile(
        r"\b(?:snap(?:chat)?|insta(?:gram)?|whats\s?app|telegram|discord|skype|tik\s?tok|"
        r"messenger|facebook|kik|wechat|viber|twitter|bluesky|mastodon|linkedin)\b",
        re.IGNORECASE)),
)

# A run of at least 8 digits with at most 3 separator characters between two digits.
_PHONE = re.compile(r"\+?\s*\(?\d(?:[\s.\-–—()/\\_*·•,]{0,3}\d){7,}")
_DATE_SHAPES = (
    re.compile(r"^\d{4}([-./])\d{1,2}\1\d{1,2}$"),       # 2026-03-12
    re.compile(r"^\d{1,2}([-./])\d{1,2}\1\d{2,4}$"),     # 12/03/2026, 12.03.26
)
_TIME_RANGE = re.compile(r"^\d{1,2}[h:.]?\d{0,2}\s*[-–—]\s*\d{1,2}[h:.]?\d{0,2}$")


@dataclass(frozen=True)
class Finding:
    """One contact detail found: its kind and where it is in the normalised text."""

    kind: str   # phone | email | link | handle | app
    start: int
    end: int


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters become plain ones); look-alike dashes kept."""
    return unicodedata.normalize("NFKC", text)


def find_contact_details(text: str) -> list[Finding]:
    """Every contact detail in `text`, in order of position (overlaps allowed)."""
    plain = normalise(text)
    found = [Finding(kind, m.start(), m.end())
             for kind, pattern in _PATTERNS for m in pattern.finditer(plain)]
    found += [Finding("phone", m.start(), m.end()) for m in _PHONE.finditer(plain)
              if _looks_like_phone(m.group())]
    return sorted(found, key=lambda f: (f.start, f.kind))


def kinds_of(text: str) -> list[str]:
    """The kinds of contact detail in `text`, sorted, without repeats ([] when clean)."""
    return sorted({finding.kind for finding in find_contact_details(text)})


def _looks_like_phone(candidate: str) -> bool:
    compact = candidate.strip()
    if any(shape.match(compact) for shape in _DATE_SHAPES):
        return False
    return not _TIME_RANGE.match(compact)
