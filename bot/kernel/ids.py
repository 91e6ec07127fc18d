"""Numbers that arrive in button values and commands, which are never trusted."""

from __future__ import annotations


def parse_number(text: str, max_digits: int = 11) -> int | None:
    """A non-negative integer written with ASCII digits only, else None.

    `str.isdigit()` alone is not enough: it accepts "²" and "١", and `int("²")` raises.
    """
    if text and len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None
