"""Topics as people really type them (issue 13): Québec French, French, English.

The accuracy on a large independent set is measured by bench/bench_normalise.py; these tests
pin representative phrasings so that a change to the taxonomy or the normaliser that breaks
them is seen at once.
"""

from __future__ import annotations

import pytest

from matching.topics import Taxonomy, clean, is_free


def topic_ids(taxonomy: Taxonomy, text: str) -> list[str]:
    """The taxonomy topics found in `text` (free tags left out)."""
    return [m.id for m in taxonomy.normalise(text) if not is_free(m.id)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Québec French
        ("entrevue", ["job-interviews"]),
        ("Préparer mes entrevues d'embauche", ["job-interviews"]),
        ("orientation professionnelle", ["career-guidance"]),
        ("je sais pas quoi faire dans la vie", ["career-guidance"]),
        ("cégep", ["cegep"]),
        ("un DEC en sciences humaines", ["cegep"]),
        ("AEC en comptabilité", ["cegep", "accounting"]),
        ("DEP en mécanique automobile", ["vocational-training", "automotive"]),
        ("retour aux études", ["returning-to-studies"]),
        ("service à la clientèle", ["customer-success"]),
        ("conciliation travail-famille", ["work-life-balance"]),
        ("santé mentale au travail", ["mental-health"]),
        ("immigration", ["immigration"]),
        ("nouvel arrivant au Québec", ["immigration"]),
        ("francisation", ["language-learning"]),
        ("faire reconnaître mon diplôme étranger", ["credential-recognition"]),
        ("me trouver une première job", ["first-job"]),
        ("trouver un stage en TI", ["internships", "information-technology"]),
        ("prêts et bourses", ["scholarships"]),
        ("travailleur autonome", ["freelancing"]),
        ("devenir gestionnaire", ["first-time-manager"]),
        ("persévérance scolaire", ["school-perseverance"]),
        # France
        ("lettre de motiv", ["cover-letter"]),
        ("reprendre mes études", ["returning-to-studies"]),
        ("prise de poste", ["starting-new-job"]),
        # English
        ("going back to school", ["returning-to-studies"]),
        ("newcomer to Canada", ["immigration"]),
        ("work permit", ["immigration"]),
        ("breaking into IT", ["information-technology"]),
        ("first 90 days in a new role", ["starting-new-job"]),
        ("balancing work and family", ["work-life-balance"]),
    ],
)
def test_quebec_french_and_english_phrasings_find_their_topic(taxonomy, text, expected):
    assert topic_ids(taxonomy, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entreveue", ["job-interviews"]),
        ("immigation", ["immigration"]),
        ("conciliaton travail-famille", ["work-life-balance"]),
        ("servise à la clientèle", ["customer-success"]),
    ],
)
def test_typos_in_long_words_are_still_understood(taxonomy, text, expected):
    assert topic_ids(taxonomy, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("J'aimerais de l'aide pour préparer mon entrevue chez Desjardins", ["job-interviews"]),
        ("j'ai besoin d'aide pour mon retour aux études en soins infirmiers",
         ["returning-to-studies", "nursing"]),
        ("I'd love help with my resume and interview prep", ["cv-writing", "job-interviews"]),
        ("RH, recrutement pis rétention de personnel",
         ["human-resources", "recruitment", "employee-engagement"]),
        ("immigration, francisation et recherche d'emploi",
         ["immigration", "language-learning", "job-search"]),
    ],
)
def test_sentences_and_lists_give_every_topic_they_name(taxonomy, text, expected):
    assert topic_ids(taxonomy, text) == expected


@pytest.mark.parametrize(
    "text",
    ["jean", "Jean", "opal", "ports", "port", "pain", "spot", "tales", "hiking", "manger"],
)
def test_short_everyday_words_are_not_mistaken_for_a_topic(taxonomy, text):
    """"jean" is one letter from "lean", "ports" from "sports", "opal" from "oral"."""
    assert topic_ids(taxonomy, text) == []
    assert [m.id for m in taxonomy.normalise(text)] == ["free:" + clean(text)]


def test_it_and_ti_are_topics_only_when_written_as_acronyms(taxonomy):
    assert topic_ids(taxonomy, "IT") == ["information-technology"]
    assert topic_ids(taxonomy, "les TI") == ["information-technology"]
    assert topic_ids(taxonomy, "I need help with it") == []
    assert topic_ids(taxonomy, "ti-gars") == []


@pytest.mark.parametrize(
    "text",
    ["je sais pas", "Chépa", "aucune idée", "idk", "pas sûr", "not sure yet", "lol",
     "rien pour l'instant"],
)
def test_non_answers_give_nothing_so_the_question_is_asked_again(taxonomy, text):
    assert taxonomy.normalise(text) == []


def test_a_known_word_that_heads_another_noun_stays_a_free_tag(taxonomy):
    """Guard for the partial matching of sentences (this passed before the change too):
    "restauration de vitraux" is stained-glass restoration, not hospitality."""
    assert topic_ids(taxonomy, "restauration de vitraux") == []
    assert topic_ids(taxonomy, "modélisme ferroviaire") == []
    assert topic_ids(taxonomy, "je cherche un stage de plongée") == []
