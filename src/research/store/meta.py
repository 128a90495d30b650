"""What a database says about itself: where its data came from, and which key made its pseudonyms.

Why: every output must be able to say "Syntetiske data — ikke projektets tal" when the numbers
come from the simulator or the public demo key, so the origin is recorded by whatever writes
data (the simulator and every import) in the same transaction as the data, and read back by
:func:`data_origin`. And pseudonyms made under two keys would silently split every person in
two, so the key's fingerprint is recorded on the first keyed write and every later import is
checked against it (:func:`check_key`).

The fingerprint is ``HMAC-SHA256(key, FINGERPRINT_LABEL)``, first 16 hex digits (64 bits):
enough to tell keys apart, and useless for finding the key or any pseudonym (a different
message from the one pseudonyms are made of, under the same keyed hash).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Literal

from research.errors import PseudonymKeyError
from research.store.connection import Connection
from research.store.schema import LEGACY_ORIGIN_SQL

__all__ = [
    "FINGERPRINT_LABEL",
    "Origin",
    "check_key",
    "data_origin",
    "key_fingerprint",
    "record_key",
    "record_origin",
    "recorded_fingerprint",
]

Origin = Literal["empty", "synthetic", "real", "mixed"]
Source = Literal["synthetic", "real"]

FINGERPRINT_LABEL = b"kompetenceloeft-workbench/key-fingerprint/v1"
_FINGERPRINT = "key_fingerprint"
_ORIGIN = "origin."
_META = "workbench_meta"
_DATA_TABLES = (
    "participants",
    "companies",
    "enrolments",
    "rkv_results",
    "education_plans",
    "networks",
    "consultants",
    "external_projects",
    "company_contacts",
    "cmo_observations",
    "company_panel",
    "comparison_individuals",
)


def key_fingerprint(key: bytes) -> str:
    """16 hex digits that tell keys apart without revealing anything about the key."""
    return hmac.new(key, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


def _has_table(con: Connection, name: str) -> bool:
    # fetchall, never fetchone: DuckDB refuses other work while a result is unfinished
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(found[0][0])


def _meta(con: Connection, name: str) -> str | None:
    if not _has_table(con, _META):
        return None
    rows = con.execute(f"SELECT value FROM {_META} WHERE name = ?", [name]).fetchall()
    return str(rows[0][0]) if rows else None


def _put(con: Connection, name: str, value: str) -> None:
    con.execute(
        f"INSERT INTO {_META} VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [name, value, datetime.now()],
    )


def recorded_fingerprint(con: Connection) -> str | None:
    """The fingerprint of the key this database's pseudonyms were made with, if recorded."""
    return _meta(con, _FINGERPRINT)


def check_key(con: Connection, key: bytes) -> None:
    """Refuse a key other than the one the database's pseudonyms were made with (one line)."""
    recorded = recorded_fingerprint(con)
    given = key_fingerprint(key)
    if recorded is not None and recorded != given:
        raise PseudonymKeyError(
            f"this database's pseudonyms were made with another key (fingerprint {recorded}; "
            f"the key given has {given}), and importing under it would give every person a "
            "new pseudonym and orphan their records; use the key the database was made with, "
            "or, to rotate the key, import every export again into a new database under the "
            "new key"
        )


def record_key(con: Connection, key: bytes) -> None:
    """Record the key's fingerprint (after :func:`check_key`); the caller owns the transaction."""
    if recorded_fingerprint(con) is None:
        _put(con, _FINGERPRINT, key_fingerprint(key))


def record_origin(con: Connection, origin: Source, how: str) -> None:
    """Record that data of this origin was written (e.g. ``how="import start-forms"``)."""
    if origin not in ("synthetic", "real"):
        raise ValueError(f"origin must be 'synthetic' or 'real', got {origin!r}")
    _put(con, _ORIGIN + origin, how)


def _recorded_origins(con: Connection) -> set[str]:
    if not _has_table(con, _META):
        return set()
    rows = con.execute(f"SELECT name FROM {_META} WHERE name LIKE '{_ORIGIN}%'").fetchall()
    return {name.removeprefix(_ORIGIN) for (name,) in rows}


def _inferred_origins(con: Connection) -> set[str]:
    """For data no writer recorded (a database from before the record): the synthetic flags."""
    needed = ("participants", "companies", "company_panel", "comparison_individuals")
    if not all(_has_table(con, t) for t in (*needed, "import_audit")):
        return set()
    return {name.removeprefix(_ORIGIN) for (name,) in con.execute(LEGACY_ORIGIN_SQL).fetchall()}


def _has_data(con: Connection) -> bool:
    for table in _DATA_TABLES:
        if _has_table(con, table) and con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchall():
            return True
    return False


def data_origin(con: Connection) -> Origin:
    """``"synthetic"``, ``"real"``, ``"mixed"`` or ``"empty"``: what the data is made of.

    Recorded by every writer; for data written before the record existed, told from the
    synthetic flags, and data of unknown origin counts as real (never hidden behind a
    "synthetic" mark).
    """
    origins = _recorded_origins(con)
    if not _has_data(con):
        return "empty" if not origins else _one(origins)
    if not origins:
        origins = _inferred_origins(con) or {"real"}
    return _one(origins)


def _one(origins: set[str]) -> Origin:
    if origins == {"synthetic"}:
        return "synthetic"
    if origins == {"real"}:
        return "real"
    return "mixed"
