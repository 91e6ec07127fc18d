"""Languages a person speaks, typed freely, read as ISO 639-1 codes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kernel.languages import language_name, parse_languages
from bot.text.parse_errors import ParseError


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("français, anglais", ("fr", "en")),
        ("English and Spanish", ("en", "es")),
        ("fr en", ("fr", "en")),
        ("FR/EN", ("fr", "en")),
        ("Arabic", ("ar",)),
        ("arabe", ("ar",)),
        ("wolof", ("wo",)),
        ("espagnol", ("es",)),
        ("deutsch", ("de",)),
        ("español", ("es",)),
        ("العربية", ("ar",)),
        ("русский", ("ru",)),
        ("Portugese", ("pt",)),
        ("englsh, spansih", ("en", "es")),
        ("fra, eng", ("fr", "en")),
        ("Canadian French", ("fr",)),
        ("portugais brésilien", ("pt",)),
        ("créole haïtien", ("ht",)),
        ("lingala et swahili", ("ln", "sw")),
        ("je parle français et un peu d'anglais", ("fr", "en")),
        ("I speak English fluently, some Spanish", ("en", "es")),
        ("anglais (C1), espagnol (B2)", ("en", "es")),
        ("français\nanglais\nfrançais", ("fr", "en")),
    ],
)
def test_names_codes_natives_and_typos(text: str, codes: tuple[str, ...]) -> None:
    assert parse_languages(text, "fr") == codes
    assert parse_languages(text, "en") == codes


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("anglais et klingon", "klingon"),
        ("English, Klingon Empire", "Klingon Empire"),
        ("python", "python"),
        ("😀", "😀"),
        ("'; DROP TABLE people;--", "DROP TABLE people"),
        ("<b>x</b>", "<"),
    ],
)
def test_a_fragment_that_is_not_a_language_is_refused(text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_languages(text, "en")
    assert caught.value.key == "parsing.languages.unknown"
    assert caught.value.params == {"fragment": fragment}


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "je parle", "and", ", ,"])
def test_nothing_given_is_empty(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_languages(text, "fr")
    assert caught.value.key == "parsing.languages.empty"


def test_ten_thousand_characters_are_too_long() -> None:
    with pytest.raises(ParseError) as caught:
        parse_languages("français, " * 1000, "fr")
    assert caught.value.key == "parsing.languages.too_long"
    assert len(caught.value.params["fragment"]) <= 40


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_codes_or_a_parse_error(text: str) -> None:
    try:
        codes = parse_languages(text, "en")
    except ParseError as err:
        assert err.key.startswith("parsing.languages.")
        assert len(err.params.get("fragment", "")) <= 40
        return
    assert codes
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 2 and code.isascii() and code.islower() for code in codes)


@pytest.mark.parametrize(
    ("code", "lang", "name"),
    [("fr", "fr", "français"), ("en", "en", "English"), ("es", "fr", "espagnol"),
     ("en", "fr", "anglais"), ("wo", "en", "Wolof"), ("zz", "fr", "zz")],
)
def test_language_name(code: str, lang: str, name: str) -> None:
    assert language_name(code, lang) == name


def test_names_read_back_to_their_codes() -> None:
    for code in ("fr", "en", "es", "ar", "wo", "de", "pt", "zh", "sw", "ln", "ht"):
        for lang in ("en", "fr"):
            assert parse_languages(language_name(code, lang), lang) == (code,)
