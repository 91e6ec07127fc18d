"""Topic normalisation: what people type becomes taxonomy ids or free tags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.topics import FREE_PREFIX, MAX_TOPICS, Taxonomy, TaxonomyError


def ids(taxonomy: Taxonomy, text: str) -> list[str]:
    return [match.id for match in taxonomy.normalise(text)]


def test_taxonomy_is_large_bilingual_and_kebab_case(taxonomy):
    assert len(taxonomy) >= 150
    categories = {topic.category for topic in taxonomy.topics}
    assert {"studies", "career", "tech", "management", "leadership", "soft-skills",
            "sales-marketing", "finance", "trades", "health", "public",
            "entrepreneurship"} <= categories
    for topic in taxonomy.topics:
        assert topic.en and topic.fr
        assert topic.category in taxonomy.categories


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gestion de projet", "project-management"),
        ("Project Management", "project-management"),
        ("Project Mgmt", "project-management"),
        ("PM", "project-management"),
        ("pm", "project-management"),
        ("pyhton", "python"),
        ("Python avancé", "python"),
        ("ressources humaines", "human-resources"),
        ("RH", "human-resources"),
        ("HR", "human-resources"),
        ("leadership", "leadership"),
        ("LEADERSHIP!!", "leadership"),
        ("ML", "machine-learning"),
        ("UX", "ux-design"),
        ("Prise de parole en public", "public-speaking"),
        ("gestoin de projet", "project-management"),
        ("Entretiens d'embauche", "job-interviews"),
        ("alternance", "apprenticeship"),
        ("rédiger mon CV", "cv-writing"),
        ("C#", "csharp-dotnet"),
        ("C++", "cpp"),
        ("CI/CD", "devops"),
        ("R&D", "engineering"),
        ("Parcoursup", "university-admissions"),
    ],
)
def test_known_topics_in_french_english_abbreviations_and_typos(taxonomy, text, expected):
    assert ids(taxonomy, text) == [expected]


def test_french_and_english_names_of_a_topic_agree(taxonomy):
    assert ids(taxonomy, "gestion de projet") == ids(taxonomy, "project management")
    assert ids(taxonomy, "ressources humaines") == ids(taxonomy, "human resources")


def test_a_list_with_separators_gives_every_topic_once(taxonomy):
    text = "Python, SQL; leadership et prise de parole\nUX/UI and PM, python"
    assert ids(taxonomy, text) == [
        "python", "sql", "leadership", "public-speaking", "ux-design", "ui-design",
        "project-management",
    ]


def test_topics_inside_a_sentence_are_found(taxonomy):
    text = "Je voudrais apprendre la gestion de projet et le machine learning"
    assert ids(taxonomy, text) == ["project-management", "machine-learning"]


def test_unknown_topic_becomes_a_folded_free_tag_that_matches_itself(taxonomy):
    first = ids(taxonomy, "Fabrication de luths")
    second = ids(taxonomy, "  fabrication   de LUTHS ")
    assert first == ["free:fabrication de luths"]
    assert first == second
    assert ids(taxonomy, "Lutherie, Python") == ["free:lutherie", "python"]


def test_free_tag_label_is_its_text(taxonomy):
    assert taxonomy.label("free:fabrication de luths", "fr") == "fabrication de luths"
    assert taxonomy.label("project-management", "fr") == "Gestion de projet"
    assert taxonomy.label("project-management", "en") == "Project management"
    assert taxonomy.label("no-such-topic", "en") == "no-such-topic"


def test_match_carries_fragment_and_confidence(taxonomy):
    [exact] = taxonomy.normalise("leadership")
    [typo] = taxonomy.normalise("pyhton")
    [free] = taxonomy.normalise("fabrication de luths")
    assert (exact.fragment, exact.score) == ("leadership", 1.0)
    assert 0.5 < typo.score < 1.0
    assert free.score == 0.0


@pytest.mark.parametrize(
    "text", ["", "   ", "😀🎉🚀", ",,,;;;", "a", "42", "\x00\x07\x1b[31m", "- • -"]
)
def test_garbage_gives_nothing(taxonomy, text):
    assert taxonomy.normalise(text) == []


def test_huge_input_is_bounded(taxonomy):
    text = ", ".join(["python", "sql", "leadership", "pyhton", "luths"] * 2500)[:10_000]
    result = taxonomy.normalise(text)
    assert len(result) <= MAX_TOPICS
    assert [m.id for m in result][:3] == ["python", "sql", "leadership"]
    assert len(taxonomy.normalise("x" * 10_000)) == 1
    assert len(taxonomy.normalise("mot " * 2_500)) <= MAX_TOPICS


def test_repeated_strings_are_answered_identically_from_cache(taxonomy):
    first = taxonomy.normalise("Gestion de projet, pyhton")
    first.append(None)  # callers may mutate their list without poisoning the cache
    assert taxonomy.normalise("Gestion de projet, pyhton") == first[:-1]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_normalised_without_error(taxonomy, text):
    result = taxonomy.normalise(text)
    assert len(result) <= MAX_TOPICS
    for match in result:
        assert match.id in taxonomy or match.id.startswith(FREE_PREFIX)
        assert 0.0 <= match.score <= 1.0


def test_a_term_claimed_by_two_topics_is_refused(tmp_path):
    path = tmp_path / "topics.toml"
    path.write_text(
        """
[[topic]]
id = "a-topic"
en = "Alpha"
fr = "Alpha"
synonyms = ["shared"]

[[topic]]
id = "b-topic"
en = "Beta"
fr = "Bêta"
synonyms = ["Shared"]
""",
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyError, match="shared"):
        Taxonomy.load(path)


def test_malformed_taxonomy_files_raise_taxonomy_error(tmp_path):
    path = tmp_path / "topics.toml"
    path.write_text('[[topic]]\nid = "Not Kebab"\nen = "x"\nfr = "x"\n', encoding="utf-8")
    with pytest.raises(TaxonomyError):
        Taxonomy.load(path)
    path.write_text("[[topic]\n", encoding="utf-8")
    with pytest.raises(TaxonomyError):
        Taxonomy.load(path)
    with pytest.raises(TaxonomyError):
        Taxonomy.load(tmp_path / "missing.toml")
