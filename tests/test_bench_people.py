"""The benchmarks' people are typed as people type, never drawn from the taxonomy.

The README's performance figures must come from data not derived from our own taxonomy:
bench/profiles.py may read people's text with `Taxonomy.normalise`, as onboarding does, but
never pick topics from the taxonomy's list of ids or write text from its labels.
"""

from __future__ import annotations

from bench.profiles import MAX_TOPICS, TAXONOMY_PATH, PeopleFactory
from matching.topics import Taxonomy, is_free


class TextOnlyTaxonomy(Taxonomy):
    """A taxonomy that can read what people type, but whose ids and labels are off limits."""

    @property
    def ids(self) -> tuple[str, ...]:
        raise AssertionError("people drawn from the taxonomy's list of ids")

    def label(self, topic_id: str, lang: str = "en") -> str:
        raise AssertionError("people's text written from a taxonomy label")


def test_bench_people_hold_what_onboarding_keeps_from_their_typed_answers() -> None:
    taxonomy = TextOnlyTaxonomy.load(TAXONOMY_PATH)
    factory = PeopleFactory(taxonomy, seed=3, keep_answers=True)
    people = [factory.person(n, mentor=n % 4 == 0) for n in range(1, 401)]

    with_free_tags = 0
    for person in people:
        assert factory.answers is not None
        answers = factory.answers[person.id]
        stored = [t for t in (person.topics_sought, person.topics_offered) if t]
        assert stored == [answer.ids for answer in answers]
        for answer in answers:
            read = tuple(dict.fromkeys(m.id for m in taxonomy.normalise(answer.text)))
            assert answer.ids == read[:MAX_TOPICS]
        with_free_tags += any(is_free(t) for t in person.topics_sought + person.topics_offered)
    # Phrases the taxonomy does not know stay free tags, as they do for real people.
    assert 0 < with_free_tags < len(people)
