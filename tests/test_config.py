"""Config: defaults that work, clear errors naming key and line, environment overrides."""

import re
from pathlib import Path

import pytest

from bot.kernel.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_work_without_a_file() -> None:
    config = load_config(None, env={})
    assert config.bot.database.endswith(".sqlite3")
    assert list(config.programmes) == ["main"]
    assert not config.slack_enabled and not config.telegram_enabled


def test_example_config_is_valid() -> None:
    config = load_config(ROOT / "config.example.toml", env={})
    assert config.matching.weights.topics == 3.0
    assert config.meetings.reminders == ["24h", "1h"]


def test_unknown_key_names_key_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[bot]\nlanguage = 'fr'\n\n[matching]\nsugestions = 4\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert f"{path}:5:" in str(err.value)
    assert "[matching] sugestions is not a known setting" in str(err.value)


def test_wrong_type_names_key_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[slack]\nmode = 'http'\nport = 'three thousand'\n")
    with pytest.raises(ConfigError, match=r":3: \[slack\] port must be an integer, not a string"):
        load_config(path, env={})


def test_bad_choice_and_nested_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be one of diverse, same, indifferent"):
        load_config(write(tmp_path, "[matching]\ndepartment_mode = 'random'\n"), env={})
    path = write(tmp_path, "[matching.weights]\ntopics = 2\nlanguag = 1\n")
    with pytest.raises(ConfigError, match=r":3: \[matching.weights\] languag"):
        load_config(path, env={})


def test_unknown_section_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="slak is not a known section"):
        load_config(write(tmp_path, "[slak]\ntoken = 'x'\n"), env={})
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[bot\n"), env={})


def test_programmes(tmp_path: Path) -> None:
    path = write(tmp_path, "[programmes.acme]\nname = 'Acme'\ncoordinators = ['slack:T1:U1']\n"
                           "[programmes.lycee]\nname = 'Lycée'\nrelay_mode = true\n")
    config = load_config(path, env={})
    assert list(config.programmes) == ["acme", "lycee"]
    assert config.programmes["lycee"].relay_mode is True
    with pytest.raises(ConfigError, match="not a valid programme code"):
        load_config(write(tmp_path, "[programmes.'Bad Code']\nname = 'x'\n"), env={})


def test_environment_overrides_secrets(tmp_path: Path) -> None:
    config = load_config(None, env={"MENTORBOT_SLACK_BOT_TOKEN": "xoxb-1",
                                    "MENTORBOT_TELEGRAM_TOKEN": "123:abc",
                                    "MENTORBOT_SLACK_PORT": "4000"})
    assert config.slack_enabled and config.telegram_enabled
    assert config.slack.port == 4000
    with pytest.raises(ConfigError, match="MENTORBOT_SLACK_PORT must be a number"):
        load_config(None, env={"MENTORBOT_SLACK_PORT": "many"})


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path / "nope.toml", env={})


@pytest.mark.parametrize(("value", "problem"), [
    ("nan", "must be a finite number (got nan)"),
    ("inf", "must be a finite number (got inf)"),
    ("-5", "must not be negative"),
    ("150", "must be at most 100 (got 150.0)"),
    ("'high'", "must be a number, not a string"),
])
def test_quality_floor_is_a_score_out_of_100(tmp_path: Path, value: str, problem: str) -> None:
    path = write(tmp_path, f"[matching]\nsuggestions = 3\nquality_floor = {value}\n")
    expected = ":3: " + re.escape(f"[matching] quality_floor {problem}")
    with pytest.raises(ConfigError, match=expected):
        load_config(path, env={})
    assert load_config(None, env={}).matching.quality_floor == 25.0  # the default
    assert load_config(write(tmp_path, "[matching]\nquality_floor = 40\n"),
                       env={}).matching.quality_floor == 40.0
    with pytest.raises(ConfigError, match=r"\[matching\] quality_floor must be a finite number "
                                          r"\(got nan\) \(from environment "
                                          r"MENTORBOT_MATCHING_QUALITY_FLOOR\)"):
        load_config(None, env={"MENTORBOT_MATCHING_QUALITY_FLOOR": "nan"})
