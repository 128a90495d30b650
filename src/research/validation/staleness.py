"""Is a generated study page still what the code computes? Recompute its first replications.

Why: a study page (docs/validation.md, docs/pooling.md, docs/employment-coverage.md) takes
minutes to hours to regenerate. Fingerprinting the source files behind it failed a fast test
on every comment edit or refactor; what matters is whether the estimates changed. So each
study stores, beside its page, the raw results of its first few seeded replications (the
*check sample*, ``<page>.sample.json``), and a fast test recomputes them: equal to a tight
tolerance means the code still gives the page's numbers; a changed estimator, standard error
or data-generating process shows up as a named difference.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

RTOL = 1e-6  # relative: room for another BLAS or CPU, far below any real change
ATOL = 1e-9

__all__ = ["differences", "read_sample", "sample_path", "to_json_values", "write_sample"]


def sample_path(page: Path) -> Path:
    """Where the check sample of a generated page lives: ``docs/x.md`` → ``docs/x.sample.json``."""
    return page.with_suffix(".sample.json")


def to_json_values(value: Any) -> Any:
    """Plain JSON values: numpy numbers as Python numbers, NaN and infinities as ``None``."""
    if isinstance(value, dict):
        return {str(k): to_json_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_values(v) for v in value]
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return to_json_values(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_sample(page: Path, header: dict[str, Any], sample: Any) -> Path:
    """Write the check sample beside ``page`` (``header`` says how it was drawn)."""
    path = sample_path(page)
    body = {**to_json_values(header), "sample": to_json_values(sample)}
    path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_sample(page: Path) -> dict[str, Any]:
    """The stored check sample of ``page`` (header fields and ``sample``)."""
    return json.loads(sample_path(page).read_text(encoding="utf-8"))


def differences(
    stored: Any, fresh: Any, *, rtol: float = RTOL, where: str = "sample", limit: int = 10
) -> list[str]:
    """Where ``fresh`` differs from ``stored``, one line each naming the place (at most
    ``limit``); numbers are equal within ``rtol`` (and ATOL), missing (``None``) equals
    missing. A study whose fit is not bit-reproducible passes a wider ``rtol``."""
    out: list[str] = []
    _walk(to_json_values(stored), to_json_values(fresh), where, out, rtol)
    return out[:limit]


def _walk(stored: Any, fresh: Any, where: str, out: list[str], rtol: float) -> None:
    if isinstance(stored, dict) and isinstance(fresh, dict):
        for key in sorted(set(stored) | set(fresh)):
            if key not in fresh or key not in stored:
                side = "stored only" if key in stored else "new only"
                out.append(f"{where} / {key}: {side}")
            else:
                _walk(stored[key], fresh[key], f"{where} / {key}", out, rtol)
    elif isinstance(stored, list) and isinstance(fresh, list):
        if len(stored) != len(fresh):
            out.append(f"{where}: {len(stored)} items stored, {len(fresh)} now")
        for index, (a, b) in enumerate(zip(stored, fresh, strict=False)):
            _walk(a, b, f"{where} / {index}", out, rtol)
    elif _is_number(stored) and _is_number(fresh):
        if not math.isclose(stored, fresh, rel_tol=rtol, abs_tol=ATOL):
            out.append(f"{where}: {stored!r} stored, {fresh!r} now")
    elif stored != fresh:
        out.append(f"{where}: {stored!r} stored, {fresh!r} now")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
