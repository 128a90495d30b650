"""Coverage study: do the estimators' 95 % intervals contain a planted effect 95 % of the time?

Why: a reviewer cannot check a standard-error formula by reading code, but can read a table
showing that, over many simulated data sets with a known effect, each estimator is unbiased
and its interval covers the truth at the stated rate. Each data-generating process (DGP) in
``coverage_designs`` plants an effect in data shaped like the programme's; each replication
draws a fresh data set, runs the estimators and records whether the interval covers the truth.

Every replication has its own seed, ``[seed, DGP number, replication]``, so the study gives the
same numbers however it is split across processes. ``bench/coverage_study.py`` runs it and
writes ``docs/validation.md`` with its check sample (the raw results of the first
``CHECK_REPLICATIONS`` replications of every design, ``docs/validation.sample.json``);
``tests/validation/test_coverage.py`` recomputes that sample to check the page is current.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from research.validation.coverage_designs import Dgp, designs

SEED = 20250601
REPLICATIONS = 1000
NOMINAL = 0.95
LEVEL = 0.05  # of the pre-trend test

CHECK_REPLICATIONS = 2  # recomputed by a fast test (about 3 s) against the stored sample
SAMPLE_NAME = "validation.sample.json"


# --- running the study -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """The summary of one target over all replications."""

    name: str
    dgp: str
    truth: float
    mean_estimate: float
    bias: float
    empirical_se: float
    mean_reported_se: float
    coverage: float  # share of intervals covering the truth (for a test: rejection rate)
    replications: int  # replications with a finite estimate
    failed: int
    main: bool
    kind: str

    @property
    def mc_se(self) -> float:
        """Monte Carlo standard error of the coverage (or rejection rate)."""
        p = self.coverage
        return math.sqrt(p * (1 - p) / self.replications) if self.replications else math.nan


def _replicate(args: tuple[int, int, int, int]) -> list[dict[str, tuple[float, float, bool]]]:
    """Replications ``start..stop-1`` of DGP number ``index``: per target (estimate, SE, hit)."""
    index, start, stop, seed = args
    dgp = designs()[index]
    out = []
    for rep in range(start, stop):
        data = dgp.draw(np.random.default_rng([seed, index, rep]))
        results = dgp.analyse(data)
        record = {}
        for target in dgp.targets:
            r = results[target.name]
            hit = r.p_value < LEVEL if target.kind == "test" else r.covers(target.truth)
            record[target.name] = (r.estimate, r.std_error, bool(hit))
        out.append(record)
    return out


def _summarise(dgp: Dgp, records: list[dict[str, tuple[float, float, bool]]]) -> list[Row]:
    rows = []
    for target in dgp.targets:
        values = np.array([rec[target.name][:2] for rec in records], dtype=float)
        hits = np.array([rec[target.name][2] for rec in records], dtype=bool)
        ok = np.isfinite(values[:, 0]) & (np.isfinite(values[:, 1]) | (target.kind == "test"))
        estimates = values[ok, 0]
        rows.append(
            Row(
                target.name,
                dgp.key,
                target.truth,
                float(estimates.mean()),
                float(estimates.mean() - target.truth),
                float(estimates.std(ddof=1)),
                float(np.nanmean(values[ok, 1])) if target.kind != "test" else math.nan,
                float(hits[ok].mean()),
                int(ok.sum()),
                int((~ok).sum()),
                target.main,
                target.kind,
            )
        )
    return rows


def run_study(
    replications: int = REPLICATIONS, seed: int = SEED, workers: int = 1, chunk: int = 50
) -> list[Row]:
    """Run every DGP ``replications`` times and summarise each target; same seed, same rows."""
    jobs = [
        (index, start, min(start + chunk, replications), seed)
        for index in range(len(designs()))
        for start in range(0, replications, chunk)
    ]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_replicate, jobs))
    else:
        parts = [_replicate(job) for job in jobs]
    rows = []
    for index, dgp in enumerate(designs()):
        records = [
            rec for job, part in zip(jobs, parts, strict=True) if job[0] == index for rec in part
        ]
        rows.extend(_summarise(dgp, records))
    return rows


# --- the generated document ------------------------------------------------------------------


def check_sample(
    replications: int = CHECK_REPLICATIONS, seed: int = SEED, keys: Sequence[str] | None = None
) -> dict[str, list[dict[str, tuple[float, float, bool]]]]:
    """The raw results of the first replications of every design (or of the designs named in
    ``keys``): per design key, per replication, per target (estimate, SE, covered or
    rejected). Stored beside the page, so a fast test can tell whether the code still gives
    the page's numbers."""
    return {
        dgp.key: _replicate((index, 0, replications, seed))
        for index, dgp in enumerate(designs())
        if keys is None or dgp.key in keys
    }


def _f(value: float, digits: int = 3) -> str:
    return "–" if not math.isfinite(value) else f"{value:.{digits}f}"


def render_markdown(
    rows: Sequence[Row],
    replications: int,
    seed: int,
    quoted: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """docs/validation.md: how the study was done, then the coverage and test-size tables, then
    every new estimator on one page with the rows ``quoted`` from the other study pages (by
    page name, ``companions.excerpts``)."""
    import numpy
    import scipy
    import statsmodels

    lines = [
        "# Validation: bias and interval coverage of the estimators",
        "",
        "<!-- Generated by bench/coverage_study.py from src/research/validation/coverage.py. "
        "Do not edit by hand: run `.venv/bin/python bench/coverage_study.py`. -->",
        "",
        f"Generated by `bench/coverage_study.py`: {replications} replications per design, "
        f"seed {seed} (replication *r* of design *d* draws from `numpy.random.default_rng("
        f"[{seed}, d, r])`), check sample `{SAMPLE_NAME}` (the first {CHECK_REPLICATIONS} "
        "replications of every design, recomputed by a fast test), statsmodels "
        f"{statsmodels.__version__}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
        f"Python {platform.python_version()}.",
        "",
        "Each design (data-generating process, DGP) plants a known effect. Every replication "
        "draws a new data set, runs the estimator and records whether its 95 % interval "
        "contains the true effect. For an honest estimator the mean estimate is close to the "
        "truth (small bias), the mean reported standard error is close to the empirical one "
        "(the standard deviation of the estimates over replications), and coverage is close "
        "to 95 %. With R replications coverage itself has a Monte Carlo standard error of "
        "about sqrt(0.95·0.05/R)"
        f" = {math.sqrt(NOMINAL * (1 - NOMINAL) / replications):.1%} here.",
        "",
        "## Designs",
        "",
    ]
    for dgp in designs():
        lines.append(f"- **{dgp.key}**: {dgp.description}")
    lines += [
        "",
        "## Coverage of 95 % intervals",
        "",
        "| estimator | design | true effect | mean estimate | bias | empirical SE | "
        "mean reported SE | coverage | MC SE | replications | seed |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.kind != "interval":
            continue
        lines.append(
            f"| {r.name} | {r.dgp} | {_f(r.truth, 4)} | {_f(r.mean_estimate, 4)} | "
            f"{_f(r.bias, 4)} | {_f(r.empirical_se, 4)} | {_f(r.mean_reported_se, 4)} | "
            f"{r.coverage:.1%} | {r.mc_se:.1%} | {r.replications} | {seed} |"
        )
    lines += [
        "",
        *_reading(rows),
        "",
        "## Size of the pre-trend test",
        "",
        "Parallel trends hold in the event-study design, so the joint F test that all leads "
        f"are zero should reject at its {LEVEL:.0%} level in about {LEVEL:.0%} of replications.",
        "",
        "| test | design | rejection rate at 5 % | MC SE | replications | seed |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.kind == "test":
            lines.append(
                f"| {r.name} | {r.dgp} | {r.coverage:.1%} | {r.mc_se:.1%} | {r.replications} | "
                f"{seed} |"
            )
    lines += ["", *_reading_tests(rows)]
    failures = [r for r in rows if r.failed]
    lines += ["", "Failed replications (no finite estimate): "]
    lines[-1] += ", ".join(f"{r.name}: {r.failed}" for r in failures) if failures else "none."
    lines += ["", *_new_estimators(rows, quoted or {})]
    lines += [
        "",
        "## See also",
        "",
        "- [pooling.md](pooling.md): partial pooling of subgroup effects (Firth + hierarchical "
        "pooling against unpooled, plug-in empirical Bayes and a mixed logit), generated by "
        "`bench/pooling_study.py`.",
        "- [employment-coverage.md](employment-coverage.md): the employment effect's headline "
        "interval at the project's end over 60 simulated programmes, generated by "
        "`bench/employment_coverage.py`.",
    ]
    return "\n".join(lines) + "\n"


def _by_name(rows: Sequence[Row]) -> dict[str, Row]:
    return {r.name: r for r in rows}


def _se_verdict(r: Row) -> str:
    """The reported SE against the empirical one, in words (a 3 % band counts as equal)."""
    ratio = r.mean_reported_se / r.empirical_se
    if ratio < 0.97:
        word = f"too small by {1 - ratio:.0%}"
    elif ratio > 1.03:
        word = f"too large (conservative) by {ratio - 1:.0%}"
    else:
        word = "about right"
    return (
        f"reported SE {word} (mean {r.mean_reported_se:.3f}, empirical {r.empirical_se:.3f}), "
        f"coverage {r.coverage:.1%}"
    )


def _rate_verdict(r: Row) -> str:
    """A rejection rate against the nominal level, allowing two Monte Carlo SEs."""
    margin = 2 * math.sqrt(LEVEL * (1 - LEVEL) / r.replications)
    if r.coverage < LEVEL - margin:
        word = "below the nominal level (conservative: it flags real pre-trends less often)"
    elif r.coverage > LEVEL + margin:
        word = "above the nominal level (the test flags pre-trends that are not there)"
    else:
        word = "within two Monte Carlo SEs of the nominal level"
    return f"{r.coverage:.1%}, {word}"


def _reading(rows: Sequence[Row]) -> list[str]:
    """What the coverage table shows, in sentences built from its own figures."""
    r = _by_name(rows)
    naive, ipw = r["naive diff (ignores confounding)"], r["ipw ATE, M-estimation SE"]
    wls, strong = (
        r["ipw ATE, weighted-regression SE"],
        r["ipw ATE, M-estimation SE, poorer overlap"],
    )
    dummies, nested = r["fe, clustered by unit (dummies)"], r["fe, clustered by unit (nested)"]
    return [
        "Reading the table:",
        "",
        f"- Confounding in the ipw design: the naive difference in means is off by "
        f"{naive.bias:+.3f} (coverage {naive.coverage:.1%}); IPW on the same data sets is off "
        f"by {ipw.bias:+.3f} (coverage {ipw.coverage:.1%}).",
        f"- IPW, weighted-regression SE (propensity score taken as known): {_se_verdict(wls)}. "
        f"IPW, M-estimation SE (the default, which accounts for the estimated score): "
        f"{_se_verdict(ipw)}.",
        f"- IPW with poorer overlap (design ipw_strong, more variable weights, 1,000 rows): "
        f"{_se_verdict(strong)}. The sandwich SE is exact only asymptotically; check the "
        "overlap warnings and effective sample sizes that ipw reports.",
        f"- Two-way fixed effects, small-sample factor counting every unit dummy "
        f"(small_sample='dummies', as OLS with dummies): {_se_verdict(dummies)}. Not counting "
        f"unit effects nested in the clusters (the default, as Stata's xtreg and R's fixest): "
        f"{_se_verdict(nested)}.",
        *_reading_cif(r),
        *_reading_staggered(r),
    ]


def _reading_staggered(r: dict[str, Row]) -> list[str]:
    """Gardner's two-stage DiD against TWFE where the effect grows with time since adoption."""
    name, twfe_name = "two-stage DiD ATT, unit bootstrap", "TWFE (ignores staggered timing)"
    if name not in r or twfe_name not in r:
        return []
    two_stage, twfe = r[name], r[twfe_name]
    return [
        f"- Staggered adoption with an effect that grows with time since adoption (design "
        f"staggered): Gardner's two-stage DiD ATT is off by {two_stage.bias:+.3f}, "
        f"{_se_verdict(two_stage)} (SE from a bootstrap of whole units over both steps). "
        f"Two-way fixed effects on the same data sets is off by {twfe.bias:+.3f} (coverage "
        f"{twfe.coverage:.1%}): it compares late adopters with early adopters whose effect is "
        "still growing, so their growth counts against the late adopters (Goodman-Bacon 2021).",
    ]


def _new_estimators(rows: Sequence[Row], quoted: Mapping[str, Sequence[str]]) -> list[str]:
    """One place for the coverage of every estimator issue 14 added: this study's rows named,
    the other studies' rows quoted verbatim from their generated pages."""
    r = _by_name(rows)

    def coverages(names: Sequence[str]) -> str:
        return "; ".join(f"{r[n].coverage:.1%} ({n})" for n in names)

    cif = [n for n in r if n.startswith("CIF difference")]
    staggered = [n for n in r if n.startswith("two-stage DiD")]
    lines = [
        "## Every new estimator on one page",
        "",
        "The estimators added for answers during the project (issue 14), and where their "
        "coverage is shown:",
        "",
        f"- Aalen–Johansen cumulative incidence contrasts (running lifts censored): designs cif "
        f"and cif_small above, coverage: {coverages(cif)}.",
        f"- Gardner's two-stage DiD (staggered adoption, growing effect): design staggered "
        f"above, coverage: {coverages(staggered)}.",
    ]
    words = {
        "pooling.md": "- Firth-penalised subgroup effects with hierarchical pooling: error and "
        "coverage against unpooled estimates, quoted below from pooling.md.",
        "employment-coverage.md": "- The employment effect's headline interval (RA and IPW "
        "ATT) at the project's end: quoted below from employment-coverage.md.",
    }
    lines += [words[page] for page in words if page in quoted]
    from research.validation.companions import COMPANIONS

    for companion in COMPANIONS:
        if companion.page not in quoted:
            continue
        lines += [
            "",
            f"From [{companion.page}]({companion.page}) (generated by its own bench, quoted "
            f"verbatim; a test checks the quote): {companion.title}.",
            "",
            *quoted[companion.page],
        ]
    return lines


def _reading_cif(r: dict[str, Row]) -> list[str]:
    """The Aalen–Johansen contrasts (running lifts censored at the data date)."""
    lines = []
    for suffix, what in (("", "400 lifts in 60 companies"), (", 120 lifts", "120 lifts in 30")):
        for horizon in (12, 24):
            name = f"CIF difference at {horizon} months, clustered{suffix}"
            if name in r:
                lines.append(
                    f"- Cumulative incidence of completion, treated minus untreated at {horizon} "
                    f"months ({what}; infinitesimal-jackknife SE clustered by company with the "
                    f"G/(G-1) factor, t(G-1) interval): {_se_verdict(r[name])}."
                )
    return lines


def _reading_tests(rows: Sequence[Row]) -> list[str]:
    r = _by_name(rows)
    dummies = r["event study, pre-trend F test (dummies)"]
    nested = r["event study, pre-trend F test (nested)"]
    return [
        f"Rejection rate with the default small-sample factor (nested): "
        f"{_rate_verdict(nested)}. With small_sample='dummies': {_rate_verdict(dummies)}.",
    ]
