"""The matching message catalogues: both languages complete, every code has its sentence."""

from __future__ import annotations

import tomllib
from string import Formatter

import pytest
from matching_people import ROOT

from matching.cohort import UNMATCHED_CODES
from matching.model import CRITERIA, Reason

PLURAL = {"zero", "one", "two", "few", "many", "other"}


def flatten(table: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and not (set(value) <= PLURAL):
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


def load(lang: str) -> dict[str, object]:
    path = ROOT / "content" / "i18n" / f"matching.{lang}.toml"
    return flatten(tomllib.loads(path.read_text(encoding="utf-8")))


def placeholders(entry: object) -> set[str]:
    texts = entry.values() if isinstance(entry, dict) else [entry]
    names = {name for text in texts for _, name, _, _ in Formatter().parse(text) if name}
    return names - {"count"} if isinstance(entry, dict) else names


def test_french_and_english_have_the_same_keys_and_placeholders():
    en, fr = load("en"), load("fr")
    assert set(en) == set(fr)
    for key in en:
        assert placeholders(en[key]) == placeholders(fr[key]), key
        if isinstance(en[key], dict):
            assert {"one", "other"} <= set(en[key]) and {"one", "other"} <= set(fr[key])


@pytest.mark.parametrize(
    "reason",
    [
        Reason("topics", {"count": 2, "topics": ("python", "sql")}),
        Reason("language", {"count": 1, "languages": ("fr",)}),
        Reason("availability", {"count": 4, "hours": 4}),
        Reason("seniority", {"count": 2, "reverse": False}),
        Reason("seniority", {"count": 1, "reverse": True}),
        Reason("department", {"department": "IT", "mode": "diverse"}),
        Reason("department", {"department": "IT", "mode": "same"}),
        Reason("goals", {"count": 1, "words": ("data",)}),
        Reason("load", {"count": 2, "capacity": 3}),
    ],
)
def test_every_reason_renders_in_both_languages(reason):
    for lang in ("en", "fr"):
        entry = load(lang)[reason.message_key]
        text = entry["other"] if isinstance(entry, dict) else entry
        params = {k: ", ".join(v) if isinstance(v, tuple) else v for k, v in reason.params.items()}
        assert text.format(**params)


def test_every_unmatched_code_and_criterion_has_a_message():
    for lang in ("en", "fr"):
        catalogue = load(lang)
        for code in UNMATCHED_CODES:
            assert f"matching.unmatched.{code}" in catalogue
        for name in CRITERIA:
            assert f"matching.criterion.{name}" in catalogue
        for code in ("not_mentor", "self", "paused", "no_capacity", "no_shared_language",
                     "manager", "blocked_or_declined"):
            assert f"matching.refused.{code}" in catalogue
