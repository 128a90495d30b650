"""Where the database and the configuration are, and the programme configuration (what the
project promised).

Both are loaded explicitly and passed down; nothing is read at import time. Environment
variables are read through ``research.settings`` only.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from research import settings
from research.domain.codes import PartnerKind
from research.domain.period import ProjectPeriod, Quarter
from research.domain.targets import Target, Thresholds, Trajectory
from research.errors import ConfigError
from research.settings import CONFIG_ENV, DB_ENV, KEY_ENV, KEY_FILE_ENV  # noqa: F401  (named here too)

DEFAULT_DB = Path("data") / "workbench.duckdb"
MIN_CELL_FLOOR = 3


@dataclass(frozen=True)
class Partner:
    partner_id: str
    name: str
    kind: PartnerKind


@dataclass(frozen=True)
class ProgrammeConfig:
    name: str
    project_id: str
    period: ProjectPeriod
    targets: dict[str, Target]
    trajectory: Trajectory
    thresholds: Thresholds
    partners: tuple[Partner, ...]
    min_cell: int
    source: str

    def trajectory_for(self, key: str) -> Trajectory:
        target = self.targets.get(key)
        return target.trajectory if target and target.trajectory else self.trajectory


def resolve_db_path(db: Path | str | None = None) -> Path:
    """``--db`` wins, then ``RESEARCH_DB``, then ``data/workbench.duckdb``."""
    if db:
        return Path(db)
    return settings.db_path() or DEFAULT_DB


def load_programme_config(path: Path | str | None = None) -> ProgrammeConfig:
    """``--config`` wins, then ``RESEARCH_CONFIG``, then ``./project.toml``, then the default."""
    chosen = path or settings.config_path()
    if not chosen and Path("project.toml").is_file():
        chosen = "project.toml"
    if chosen:
        file = Path(chosen)
        if not file.is_file():
            raise ConfigError(f"configuration file not found: {file}")
        text, source = file.read_text(encoding="utf-8"), str(file)
    else:
        text = resources.files("research").joinpath("default_project.toml").read_text("utf-8")
        source = "default_project.toml (built in)"
    try:
        raw = tomllib.loads(text)
        return _parse_config(raw, source)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: {_describe(exc)}") from exc


def _describe(exc: Exception) -> str:
    return f"missing setting {exc}" if isinstance(exc, KeyError) else str(exc)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _milestone_shares(raw: dict) -> dict[Quarter, float]:
    return {Quarter.parse(q): float(share) for q, share in raw.items()}


def _milestones(raw: dict) -> Trajectory:
    return Trajectory("milestones", _milestone_shares(raw))


def _parse_config(raw: dict, source: str) -> ProgrammeConfig:
    project = raw["project"]
    name, project_id = project["name"], project["id"]
    period = ProjectPeriod(_as_date(project["start"]), _as_date(project["end"]))
    traj = raw.get("trajectory", {})
    milestones = _milestone_shares(traj.get("milestones", {}))
    min_cell = int(raw.get("disclosure", {}).get("min_cell", 5))
    if min_cell < MIN_CELL_FLOOR:
        raise ValueError(f"disclosure.min_cell must be at least {MIN_CELL_FLOOR}, got {min_cell}")
    targets = {
        key: Target(
            key=key,
            value=float(spec["value"]),
            label_da=spec.get("da", key),
            label_en=spec.get("en", key),
            counts_towards_targets=bool(spec.get("counts_towards_targets", True)),
            trajectory=_milestones(spec["milestones"]) if "milestones" in spec else None,
        )
        for key, spec in raw.get("targets", {}).items()
    }
    partners = tuple(
        Partner(p["id"], p["name"], PartnerKind.parse(p["kind"])) for p in raw.get("partners", [])
    )
    if not partners:
        raise ValueError("at least one [[partners]] entry is needed")
    return ProgrammeConfig(
        name=name,
        project_id=project_id,
        period=period,
        targets=targets,
        trajectory=Trajectory(traj.get("kind", "linear"), milestones),
        thresholds=Thresholds(**raw.get("thresholds", {})),
        partners=partners,
        min_cell=min_cell,
        source=source,
    )
