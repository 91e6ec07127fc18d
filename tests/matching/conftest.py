"""Shared fixtures for the matching library tests: the real taxonomy and profile builders."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from matching_people import ROOT, build_mentor, build_profile, random_people

from matching.model import Profile
from matching.topics import Taxonomy


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return Taxonomy.load(ROOT / "content" / "topics.toml")


@pytest.fixture(scope="session")
def make_profile() -> Callable[..., Profile]:
    return build_profile


@pytest.fixture(scope="session")
def make_mentor() -> Callable[..., Profile]:
    return build_mentor


@pytest.fixture(scope="session")
def people() -> Callable[..., tuple[list[Profile], list[Profile]]]:
    return random_people
