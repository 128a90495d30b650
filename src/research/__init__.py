"""Kompetenceløft Workbench: the library behind the programme's reports and evidence.

The front door for a notebook or a script::

    import research
    programme = research.open_programme()          # finds data/workbench.duckdb
    programme.progress()                           # progress against the targets
    programme.subgroup("completion_by_route")      # one subgroup analysis, tidy()

Importing ``research`` is cheap: each name below is imported the first time it is used
(PEP 562 module ``__getattr__``), so ``import research`` loads neither pandas, statsmodels
nor matplotlib.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # the front door
    "open_programme": "research.programme",
    "Programme": "research.programme",
    "find_database": "research.programme",
    "ResearchError": "research.errors",
    "Quarter": "research.domain.period",
    # the metric families
    "progress_table": "research.metrics.progress",
    "progress_series": "research.metrics.progress",
    "company_funnel": "research.metrics.funnels",
    "unemployed_funnel": "research.metrics.funnels",
    "activity4_funnel": "research.metrics.funnels",
    "composition": "research.metrics.composition",
    "esf_indicators": "research.metrics.esf",
    "institutions_per_company": "research.metrics.coordination",
    "statement_results": "research.metrics.survey",
    "gaps_by_company": "research.metrics.competence",
    # the analyses and their one result type
    "Status": "research.evidence.result",
    "AnalysisResult": "research.evidence.result",
    "subgroup_analysis": "research.evidence.subgroups",
    "run_article_analyses": "research.evidence.article",
    # the generic estimators (one Estimate each; research.evidence.estimators documents them)
    "Estimate": "research.evidence.estimate",
    "diff": "research.evidence.estimators",
    "ols": "research.evidence.estimators",
    "logit": "research.evidence.estimators",
    "ra": "research.evidence.estimators",
    "ipw": "research.evidence.estimators",
    "fe": "research.evidence.estimators",
    "did": "research.evidence.estimators",
    "event_study": "research.evidence.estimators",
    "run_estimator": "research.evidence.estimators",
    # the demo data
    "simulate": "research.simulate.run",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'research' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
