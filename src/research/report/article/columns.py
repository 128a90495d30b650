"""The article's column headers in one place, and the one function that formats a table's columns.

Why: each article table used to spell out its own map of column → format and header (six
hand-written maps, the same "95% CI low" typed many times). Now a table only lists its columns,
with the decimals it shows them at; the kind and the English and Danish headers come from
``ARTICLE_WORDS``, and a table that needs other words for a column says so in its list.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from research.report.kit.formatting import ColumnFormat

ARTICLE_WORDS: dict[str, tuple[str, str, str]] = {
    "agree": ("number", "Agree", "Enige"),
    "approach": ("text", "Approach", "Tilgang"),
    "ci_high": ("number", "95% CI high", "øvre"),
    "ci_high_pct": ("number", "95% CI high", "øvre"),
    "ci_high_pp": ("number", "95% CI high", "95 %-KI, øvre"),
    "ci_low": ("number", "95% CI low", "nedre"),
    "ci_low_pct": ("number", "95% CI low", "nedre"),
    "ci_low_pp": ("number", "95% CI low", "95 %-KI, nedre"),
    "cif_level_pct": ("number", "CIF level (%)", "KI niveau (%)"),
    "cif_reference_pct": ("number", "CIF ref. (%)", "KI ref. (%)"),
    "college": ("text", "College", "Skole"),
    "companies": ("number", "Companies", "Virksomheder"),
    "context": ("text", "Context", "Kontekst"),
    "contrast": ("text", "Subgroup and contrast", "Kontrast"),
    "conversion": ("percent", "From previous", "Fra forrige"),
    "df": ("number", "df", "df"),
    "df_denom": ("number", "df2", "df2"),
    "df_num": ("number", "df1", "df1"),
    "effect_pp": ("number", "AME (pp)", "AME (pp)"),
    "estimand": ("text", "Estimand", "Estimand"),
    "estimate": ("number", "Estimate", "Estimat"),
    "estimate_pct": ("number", "Difference (pp)", "Forskel (pp)"),
    "estimate_pp": ("number", "Own (pp)", "Egen (pp)"),
    "events": ("number", "Completed", "Gennemført"),
    "evidence": ("text", "Evidence", "Evidens"),
    "factor": ("text", "Factor", "Faktor"),
    "group": ("text", "Track", "Spor"),
    "half": ("text", "Half-year", "Halvår"),
    "hazard_ratio": ("number", "HR", "HR"),
    "horizon": ("number", "Months", "Måneder"),
    "icc": ("number", "College share", "Skoleandel"),
    "label": ("text", "Subgroup and contrast", "Kontrast"),
    "large_enough_by": ("text", "Large enough by", "Stor nok i"),
    "level": ("text", "Level", "Niveau"),
    "linked_metric": ("text", "Linked result", "Koblet til"),
    "mde_pp": ("number", "MDE (pp)", "MDE (pp)"),
    "mechanism": ("text", "Mechanism", "Mekanisme"),
    "method": ("text", "Method", "Metode"),
    "months": ("number", "Median", "Median"),
    "n": ("number", "Lifts", "Forløb"),
    "n_comparison": ("number", "Comparison", "Sammenligning"),
    "n_comparison_companies": ("number", "Comparison", "Sammenligning"),
    "n_employed": ("number", "Employed", "I job"),
    "n_level": ("number", "n (level)", "n (niveau)"),
    "n_outcome_pending": ("number", "Outcome pending", "Udfald afventer"),
    "n_reference": ("number", "n (ref.)", "n (ref.)"),
    "n_treated": ("number", "Participants", "Deltagere"),
    "n_treated_companies": ("number", "Participating", "Deltagende"),
    "outcome": ("text", "Outcome", "Udfald"),
    "outcome_label": ("text", "Outcome", "Udfald"),
    "p_adjusted": ("number", "p (BH)", "p (BH)"),
    "p_value": ("number", "p", "p"),
    "participants": ("number", "Participants", "Deltagere"),
    "participants_per_100_months": (
        "number",
        "Participants per 100 company-months",
        "Deltagere pr. 100 virksomhedsmåneder",
    ),
    "period": ("text", "Half-year", "Halvår"),
    "ph_rejected": ("text", "PH rejected", "PH afvist"),
    "pooled_ci_high_pp": ("number", "95% CI high", "øvre"),
    "pooled_ci_low_pp": ("number", "95% CI low", "nedre"),
    "pooled_estimate_pp": ("number", "Pooled (pp)", "Samlet (pp)"),
    "rate_level": ("percent", "Rate (level)", "Andel"),
    "rate_ratio": ("number", "Rate ratio", "Rate ratio"),
    "rate_reference": ("percent", "Rate (ref.)", "Andel ref."),
    "recorded_on": ("date", "Recorded", "Registreret"),
    "reference": ("text", "Reference", "Reference"),
    "relative_period": ("number", "Year", "År"),
    "rho": ("number", "rho", "rho"),
    "share_employed": ("percent", "Share", "Andel"),
    "share_pct": ("number", "Share (%)", "Andel"),
    "shrinkage": ("number", "Shrinkage", "Krympning"),
    "statistic": ("number", "chi²", "chi²"),
    "status": ("text", "Status", "Status"),
    "source_label": ("text", "Source", "Kilde"),
    "status_label": ("text", "Status", "Status"),
    "std_error": ("number", "SE", "SE"),
    "step": ("text", "Step", "Trin"),
    "term": ("text", "Term", "Led"),
    "test": ("text", "Test", "Test"),
    "track": ("text", "Track", "Spor"),
}
"""Column name → (kind, English header, Danish header), as most article tables show it."""

Column = str | tuple
"""A column of a table: its name; or (name, decimals); or (name, decimals, English, Danish)
for a table's own words; or (name, decimals, English, Danish, kind) for its own kind."""


def article_columns(data: pd.DataFrame, columns: Iterable[Column]) -> dict[str, ColumnFormat]:
    """The formats of ``columns`` that ``data`` has (what an estimator returns differs with
    what could be estimated), in the order listed."""
    out: dict[str, ColumnFormat] = {}
    for column in columns:
        name, *rest = (column,) if isinstance(column, str) else column
        kind, en, da = ARTICLE_WORDS.get(name, ("text", name, name))
        decimals = rest[0] if rest else None
        if len(rest) >= 3:
            en, da = rest[1], rest[2]
        if len(rest) == 4:
            kind = rest[3]
        if name in data.columns:
            out[name] = ColumnFormat(kind, decimals, label_en=en, label_da=da)
    return out
