"""The context–mechanism–outcome (CMO) register, and the estimates that bear on each entry.

Why: realist evaluation asks what works for whom in which context; the action researchers
record each claim as a dated CMO observation with a status (hypothesised, supported, refuted,
refined) and the key of the indicator or estimate that can test it (``linked_metric``). This
module reads the register from the store and puts every observation next to the
quantitative results carrying that key, so a reader sees the claim and the numbers together —
and sees a claim whose promised evidence does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from research.domain.codes import CmoStatus
from research.domain.identifiers import CPR_FULL_MASK, mask_cpr_shaped
from research.metrics.common import Tables

__all__ = ["LINKED", "MISSING", "UNLINKED", "cmo_register", "link_evidence"]

LINKED = "linked"
MISSING = "missing"  # the observation names a key that no result carries
UNLINKED = "unlinked"  # the observation names no key

REGISTER_COLUMNS = [
    "observation_id",
    "recorded_on",
    "researcher",
    "source",
    "context",
    "mechanism_resource",
    "mechanism_reasoning",
    "mechanism",
    "outcome",
    "status",
    "status_label",
    "linked_metric",
    "network_id",
]


def cmo_register(tables: Tables, lang: str = "en") -> pd.DataFrame:
    """The register as a tidy table, one row per observation, oldest first.

    Columns: the stored ``cmo_observations`` columns (``observation_id``, ``recorded_on``,
    ``researcher``, ``source``, ``context``, ``mechanism_resource`` — what the programme
    offered —, ``mechanism_reasoning`` — how people responded —, ``outcome``, ``status``
    (code: hypothesised/supported/refuted/refined), ``linked_metric``, ``network_id``) plus
    ``mechanism`` ("resource → reasoning") and ``status_label`` (Danish or English).
    A blank ``linked_metric`` is missing. CPR-shaped text is masked (``******-****``) even
    if an older database holds it in clear.
    """
    raw = tables["cmo_observations"]
    out = pd.DataFrame(index=raw.index)
    for column in REGISTER_COLUMNS:
        if column in ("mechanism", "status_label"):
            continue
        values = raw[column]
        if column == "recorded_on":
            out[column] = values
        else:  # free text a researcher typed: a CPR number quoted by mistake never shows
            out[column] = values.astype("string").map(_scrub, na_action="ignore")
    key = out["linked_metric"].str.strip()
    out["linked_metric"] = key.where(key != "")
    out["mechanism"] = out["mechanism_resource"] + " → " + out["mechanism_reasoning"]
    out["status_label"] = out["status"].map(
        lambda code: CmoStatus.parse(code).label(lang), na_action="ignore"
    )
    out = out.sort_values(["recorded_on", "observation_id"], kind="stable")
    return out[REGISTER_COLUMNS].reset_index(drop=True)


def _scrub(text: str) -> str:
    return mask_cpr_shaped(text, CPR_FULL_MASK)


def _results(
    results: pd.DataFrame | Mapping[str, pd.DataFrame] | Iterable[pd.DataFrame], key: str
) -> pd.DataFrame:
    if isinstance(results, pd.DataFrame):
        frames = [results]
    elif isinstance(results, Mapping):
        frames = [f if key in f else f.assign(**{key: name}) for name, f in results.items()]
    else:
        frames = list(results)
    for frame in frames:
        if key not in frame:
            raise KeyError(f"a results table has no {key!r} column to link on")
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[key])


def link_evidence(
    register: pd.DataFrame,
    results: pd.DataFrame | Mapping[str, pd.DataFrame] | Iterable[pd.DataFrame],
    *,
    key: str = "analysis",
) -> pd.DataFrame:
    """Each observation next to every result row whose ``key`` equals its ``linked_metric``.

    ``results`` is one tidy table, several, or a mapping name → table (a table without a
    ``key`` column takes its name as the key). One output row per observation × matching
    result row (the result's columns follow the register's, prefixed ``result_`` where
    names clash); an observation with no match keeps one row. ``link_status`` is ``linked``,
    ``missing`` (its key matches no result: the promised evidence does not exist) or
    ``unlinked`` (no key recorded).
    """
    evidence = _results(results, key).copy()
    evidence[key] = evidence[key].astype("string")
    clashes = {c: f"result_{c}" for c in evidence.columns if c in register.columns}
    evidence = evidence.rename(columns=clashes)
    right = clashes.get(key, key)
    merged = register.merge(
        evidence, how="left", left_on="linked_metric", right_on=right, indicator=True
    )
    has_key = merged["linked_metric"].notna()
    merged["link_status"] = pd.Series(
        [
            LINKED if both else (MISSING if keyed else UNLINKED)
            for both, keyed in zip(merged["_merge"] == "both", has_key, strict=True)
        ],
        index=merged.index,
        dtype="string",
    )
    merged = merged.drop(columns=["_merge"])
    if right in merged and right != "linked_metric":
        merged = merged.drop(columns=[right])
    return merged
