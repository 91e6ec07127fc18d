"""A coordinator runs every command of issue 8 on the demo programme, in the console, in
English and then in French: no error, the files written, each answer in their language."""

from __future__ import annotations

import io
from pathlib import Path

from adapters.console import Console
from bot.demo.demo import seed_demo
from bot.kernel.app import build_app
from bot.kernel.clock import SimulatedClock, to_iso
from bot.kernel.people import Person
from tests.conftest import START
from tests.fixtures_insight import member, png_info, two_programmes


async def demo_pair(app, skip: set[int]) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A demo mentee without a mentor and the first mentor /find would suggest them."""
    async with app.db.read() as tx:
        rows = await tx.all("SELECT * FROM people WHERE role = 'mentee' AND status = 'active'"
                            " AND handle NOT LIKE 'coord%' ORDER BY id")
        for row in rows:
            mentee = Person.from_row(row)
            if mentee.id in skip:
                continue
            found = await app.services.matchmaker.suggest(tx, mentee,
                                                          to_iso(app.services.clock.now()), k=1)
            if found:
                mentor = await tx.value("SELECT handle FROM people WHERE id = ?",
                                        (found[0].mentor_id,))
                skip.add(mentee.id)
                return mentee.handle, mentor
    raise AssertionError("the demo has no matchable mentee")


def script(coordinator: str, mentee: str, mentor: str) -> list[str]:
    return [f"@{coordinator} /admin help", "/admin stats", f"/admin match @{mentee} @{mentor}",
            "#1", "/admin insight", "/admin unmatched", "/admin requests", "/admin pairs",
            f"/admin person @{mentee}", "/admin broadcast mentors Welcome to the programme!",
            "#1", "/admin export", "/admin content reload", f"/admin end @{mentee} @{mentor}",
            f"/admin unmatch @{mentee} @{mentor}", "/admin insight months"]


async def test_every_command_on_the_demo_programme_in_english_and_french(
        tmp_path: Path) -> None:
    app = await build_app(two_programmes(tmp_path), SimulatedClock(START))
    try:
        assert await seed_demo(app) == 60
        await member(app, "coord", "mentor", capacity=0)
        await member(app, "coordfr", "mentor", capacity=0, language="fr")
        out = io.StringIO()
        console = Console(app, out=out, files_dir=tmp_path / "files", echo=True)
        taken: set[int] = set()
        for coordinator in ("coord", "coordfr"):
            mentee, mentor = await demo_pair(app, taken)
            start = len(out.getvalue())
            for line in script(coordinator, mentee, mentor):
                await console.feed(line)
            transcript = out.getvalue()[start:]
            said = [block for block in transcript.split("→ @")
                    if block.startswith(f"{coordinator}: ")]
            assert len(said) >= 20
            assert "went wrong" not in transcript and "Un problème" not in transcript
            assert "Sorry, this command" not in transcript
            if coordinator == "coord":
                expected = ("*Programme statistics", "*Match ", "are now matched",
                            "*Who benefits most?*", "*Mentees without a mentor*",
                            "No request is waiting", "*Active relationship* (1)",
                            "coordinators' view", "*Preview* — to the mentors",
                            "On its way to", "Export of Programme Test", "Topics: 229",
                            "has ended", "have no active relationship",
                            "*Matches made and meetings held, per month*")
            else:
                expected = ("*Statistiques du programme", "*Former le binôme ", "C'est fait",
                            "*Qui en profite le plus\u202f?*",
                            "*Personnes mentorées encore seules*",
                            "Aucune demande n'attend", "*Binôme actif* (1)",
                            "vue de l'équipe de coordination", "*Aperçu* — pour les mentors",
                            "En route vers", "Export de Programme Test", "Thèmes\xa0: 229",
                            "est terminé", "ne forment pas de binôme actif",
                            "*Binômes formés et rencontres tenues, par mois*")
            for fragment in expected:
                assert fragment in transcript, (coordinator, fragment)
        charts = sorted((tmp_path / "files").glob("insight-*.png"))
        assert {c.name.split("-")[1] for c in charts} == {"months"}  # nobody rated anything
        for chart in charts:
            width, height, _ = png_info(chart.read_bytes())
            assert width > 500 and height > 300
        # One export per coordinator: the second file of the same name is kept beside the first.
        assert len(list((tmp_path / "files").glob("mentorbot-main-*.json"))) == 2
        assert len(list((tmp_path / "files").glob("mentorbot-main-*csv*.zip"))) == 2
    finally:
        await app.close()
