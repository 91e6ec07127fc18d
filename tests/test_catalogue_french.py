"""The catalogues read right in Québec French and in English: plurals agree with their number,
France-only words and gender hacks are gone, French spacing is the OQLF's; and the check that
says so (bot/kernel/catalogue_lint.py) really catches each of these faults."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kernel.catalogue_lint import NBSP, NNBSP, fix_spacing, lint, main
from bot.kernel.i18n import Catalogue, CatalogueError

CATALOGUES = Path(__file__).resolve().parent.parent / "content" / "i18n"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(CATALOGUES)


def test_every_catalogue_passes_the_check() -> None:
    problems = [str(p) for p in lint(CATALOGUES)]
    assert problems == [], (
        "Fix the wording (or run `python -m bot.kernel.catalogue_lint --fix` for the French "
        "spacing):\n" + "\n".join(problems[:40]))


@pytest.mark.parametrize(("key", "params", "counts"), [
    ("pause.paused", {}, {0: "0 demande en attente", 1: "1 demande en attente",
                          2: "2 demandes en attente"}),
    ("request.full", {}, {1: "1 personne mentorée", 2: "2 personnes mentorées"}),
    ("request.too_many", {}, {1: "1 demande en attente", 3: "3 demandes en attente"}),
    ("cohort.applied", {}, {1: "1 binôme créé et présenté", 2: "2 binômes créés et présentés"}),
    ("cohort.more", {}, {1: "1 binôme de plus", 5: "5 binômes de plus"}),
    ("onboarding.topics_too_many", {"topics": "A"}, {1: "le premier", 5: "les 5 premiers"}),
    ("privacy.mydata.ready", {"tables": 1}, {1: "1 enregistrement.", 2: "2 enregistrements."}),
])
def test_french_plurals_agree_with_0_1_and_2(catalogue: Catalogue, key: str,
                                            params: dict[str, object],
                                            counts: dict[int, str]) -> None:
    for count, expected in counts.items():
        text = catalogue.text("fr", key, count=count, **params)
        assert expected in text, (count, text)
        assert "(s)" not in text and "(e)" not in text


def test_a_number_with_another_name_chooses_its_plural_too(catalogue: Catalogue) -> None:
    """`by = "days"`: callers pass days=…, and 1 day reads "1 jour", not "1 jours"."""
    one = catalogue.text("fr", "request.sent", name="Nora", days=1)
    many = catalogue.text("fr", "request.sent", name="Nora", days=7)
    assert "a 1 jour pour répondre" in one and "a 7 jours pour répondre" in many
    assert "have 1 day to answer" in catalogue.text("en", "request.sent", name="Nora", days=1)
    assert "in the next 1 days" not in catalogue.text("en", "meetings.no_common_slot", days=1,
                                                      names="Nora", zone="Toronto time")
    assert catalogue.text("en", "lifecycle.extend_button", months=1) == "Continue 1 more month"
    assert catalogue.text("en", "privacy.consent.retention", months=1).startswith(
        "If you are inactive for 1 month,")


def test_english_never_says_1_mentors(catalogue: Catalogue) -> None:
    assert "(1 mentee)" in catalogue.text("en", "request.full", count=1)
    assert "1 pending request for you" in catalogue.text("en", "pause.paused", count=1)
    assert "(s)" not in catalogue.text("en", "pause.paused", count=2)
    assert catalogue.text("en", "cohort.applied", count=1) == \
        "Done: 1 pair created and introduced."


def test_statistics_with_several_numbers_read_right_for_1(catalogue: Catalogue) -> None:
    fr = catalogue.text("fr", "stats.pairs", active=1, paused=1, at_risk=0)
    assert "1 actifs" not in fr and f"en cours{NBSP}: 1" in fr
    en = catalogue.text("en", "stats.pairs", active=1, paused=0, at_risk=0)
    assert "active: 1" in en


def test_french_spacing_is_the_oqlfs(catalogue: Catalogue) -> None:
    text = catalogue.text("fr", "onboarding.timezone_suggest", text="Montréal")
    assert f"Pour «{NBSP}Montréal{NBSP}», vouliez-vous dire" in text
    assert text.endswith(f"ville{NNBSP}?)") or f"horaires{NNBSP}?" in text
    assert f"Fuseau horaire{NBSP}: X" == catalogue.text("fr", "profile.timezone", value="X")
    assert f"17{NBSP}h" in catalogue.text("fr", "onboarding.ask_availability")


def test_inclusive_wording_without_abbreviations(catalogue: Catalogue) -> None:
    survey = catalogue.text("fr", "survey.intro", name="Nora")
    assert "·" not in survey.replace(" · ", "") and "satisfait" not in survey
    assert "mentor ou mentore" in catalogue.text("fr", "onboarding.ask_role").lower()
    assert "équipe de coordination" in catalogue.text("fr", "admin.refused")
    assert "suspendu(e)" not in catalogue.text("fr", "report.admin.suspended", name="Alex")


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def test_the_check_catches_each_fault(tmp_path: Path) -> None:
    nb = NBSP
    write(tmp_path, "x.en.toml", """
plain = "{count} requests pending"
hack = "1 mentor(s)"
[table]
one = "{count} mentors"
other = "{count} mentors"
""")
    write(tmp_path, "x.fr.toml", f"""
plain = "{{count}} demandes"
hack = "Vous êtes mentoré·e ?"
mail = "Écrivez-nous par mail{nb}: a@b.c"
weekend = "Bon week-end."
coord = "Les coordinateurs vont répondre."
ready = "Tapez /resume quand vous serez prêt."
colon = "Motif : {{reason}}"
quote = "Le mot \\"utile\\""
clock = "Rendez-vous à 17h30."
apostrophe = "C’est noté."
[table]
one = "{{count}} actifs"
other = "{{count}} actifs"
""")
    rules = {(p.key, p.rule) for p in lint(tmp_path)}
    assert ("plain", "plural-table") in rules
    assert {("hack", "abbreviated"), ("table", "agreement")} <= rules
    assert {("mail", "fr-CA"), ("weekend", "fr-CA")} <= rules
    assert {("coord", "inclusive"), ("ready", "inclusive")} <= rules
    assert {("colon", "typography"), ("quote", "typography"), ("clock", "typography"),
            ("apostrophe", "typography")} <= rules
    english = {p.detail for p in lint(tmp_path) if p.file == "x.en.toml" and p.key == "table"}
    assert any("count=1 reads '1 mentors'" in d for d in english)


def test_command_syntax_and_ids_are_not_prose(tmp_path: Path) -> None:
    write(tmp_path, "x.en.toml", 'usage = "Report #{number} is closed. /admin match @a @b"\n')
    write(tmp_path, "x.fr.toml",
          'usage = "Signalement no {number} classé. /admin match @mentoré @mentor"\n')
    assert lint(tmp_path) == []


def test_fix_sets_the_spaces_and_nothing_else() -> None:
    fixed = fix_spacing('Motif : « oui » ; vraiment ? Oui ! À 17h30, 2 000 places, 5 %.')
    assert fixed == (f"Motif{NBSP}: «{NBSP}oui{NBSP}»{NNBSP}; vraiment{NNBSP}? Oui{NNBSP}! "
                     f"À 17{NBSP}h{NBSP}30, 2{NBSP}000 places, 5{NBSP}%.")
    assert fix_spacing("https://t.me/bot?start=x 09:30") == "https://t.me/bot?start=x 09:30"
    assert fix_spacing("la forme « 12h »") == f"la forme «{NBSP}12h{NBSP}»"


def test_the_command_line_fails_on_a_fault_and_fixes_spacing(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str],
                                                            ) -> None:
    write(tmp_path, "x.en.toml", 'a = "Reason: {reason}"\n')
    write(tmp_path, "x.fr.toml", 'a = "Motif : {reason}"\n')
    assert main([str(tmp_path)]) == 1
    assert "x.fr.toml: a: [typography]" in capsys.readouterr().out
    assert main([str(tmp_path), "--fix"]) == 0
    fixed = (tmp_path / "x.fr.toml").read_text(encoding="utf-8")
    assert fixed == f'a = "Motif{NBSP}: {{reason}}"\n'


def test_a_plural_table_naming_no_placeholder_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "x.en.toml", 'a.by = "dayz"\na.one = "{days} day"\na.other = "{days} days"\n')
    write(tmp_path, "x.fr.toml", 'a.by = "dayz"\na.one = "{days} jour"\na.other = "{days} jours"\n')
    with pytest.raises(CatalogueError, match="dayz"):
        Catalogue.load(tmp_path)
