"""The project configuration: the application's numbers by default, overridable, validated."""

from __future__ import annotations

import pytest

from research.config import load_programme_config, resolve_db_path
from research.domain.period import Quarter
from research.errors import ConfigError


def test_defaults_are_the_applications_numbers():
    config = load_programme_config()
    values = {key: t.value for key, t in config.targets.items()}
    assert values["participants"] == 1200
    assert values["participants_employed"] == 900
    assert values["participants_unemployed"] == 300
    assert values["rkv"] == 1500
    assert values["skilled_completed"] == 500
    assert values["academy_completed"] == 30
    assert values["consultants"] == 25
    assert not config.targets["side_effect_unskilled"].counts_towards_targets
    assert config.min_cell == 5
    assert [p.kind.value for p in config.partners].count("vocational_college") == 3
    late = config.trajectory_for("skilled_completed")
    assert late.kind == "milestones" and late.milestones[Quarter(2026, 2)] == 0.08
    assert config.trajectory_for("participants").kind == "linear"


@pytest.mark.parametrize(
    "toml,message",
    [
        ("[project]\nname='x'", "missing setting 'id'"),
        ("not toml =", "not valid TOML"),
        (
            "[project]\nname='x'\nid='x'\nstart=2025-01-01\nend=2024-01-01\n"
            "[[partners]]\nid='A'\nname='A'\nkind='academy'",
            "ends (2024-01-01) before it starts",
        ),
        (
            "[project]\nname='x'\nid='x'\nstart=2025-01-01\nend=2026-01-01\n"
            "[disclosure]\nmin_cell=2\n[[partners]]\nid='A'\nname='A'\nkind='academy'",
            "min_cell must be at least 3",
        ),
    ],
)
def test_bad_configuration_is_one_clear_error(tmp_path, toml, message):
    path = tmp_path / "project.toml"
    path.write_text(toml, "utf-8")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_programme_config(path)


def test_db_path_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("RESEARCH_DB", raising=False)
    assert str(resolve_db_path()) == "data/workbench.duckdb"
    monkeypatch.setenv("RESEARCH_DB", str(tmp_path / "x.duckdb"))
    assert resolve_db_path() == tmp_path / "x.duckdb"
    assert resolve_db_path("given.duckdb").name == "given.duckdb"


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_programme_config(tmp_path / "nope.toml")
