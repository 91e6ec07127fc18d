"""Starting the bot does not load the cohort solvers: scipy and OR-tools cost about a second
of every console start, and only a cohort run needs them."""

from __future__ import annotations

import subprocess
import sys


def test_building_the_app_loads_no_cohort_solver() -> None:
    code = ("import sys, bot.kernel.app, adapters.main, adapters.console\n"
            "print(sorted(m for m in ('scipy', 'ortools') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"


def test_a_cohort_run_still_finds_its_solvers() -> None:
    code = ("import sys\nfrom matching.cohort import assign\n"
            "print('ortools' in sys.modules and 'scipy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "True"
