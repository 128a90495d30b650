"""Section 8: data quality — what ``research check`` found, and how complete and timely forms are.

Findings are those of ``research.quality.check_database`` on the whole database at its data date
(the same as ``research check``). A partner report shows the same rules applied to the whole
database and kept to the partner's own rows (enrolments, participants, contacts, responses), so
a reference to another partner's row is not mistaken for an error. Examples are never shown:
they are record ids.

Disclosure: a finding's count of enrolments or participants is a person count; it is shown
as ".." when 1 … min_cell-1 (the row itself still says the problem exists). Counts are not
added up, so each is protected on its own. Form timeliness (``metrics.timeliness``) is protected
per measure with ``suppress_rates`` (partners × {counted, not counted}); counts there are of
enrolments, each one person's form. Measures that share a base (e.g. all enrolments) are
linked tables and must hide the same partners' bases; see ``protect_timeliness``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.metrics.disclosure import TOTAL_LABEL, DisclosureRule, suppress_rates, suppress_series
from research.metrics.timeliness import DAYS_AFTER_EXIT, form_timeliness
from research.quality import DEFAULT_GRACE_DAYS, CheckReport, Finding, run_checks
from research.quality.checks import reference_rules, rules
from research.report.kit.context import ReportContext
from research.report.kit.formatting import ColumnFormat, format_date
from research.report.kit.links import Follows, Link, Ref, same, with_and_without
from research.report.kit.publish import PublishedTable
from research.report.kit.rkv_agreement import rkv_agreement_table
from research.report.kit.section import Section, Text
from research.report.kit.section_helpers import no_data, partner_names, tr

NOT_PERSONS: frozenset[str] = frozenset({"contact_unknown_company", "answer_unknown_statement"})
"""Rules that count contacts or survey responses (companies); every other rule counts
enrolments or participants, i.e. persons."""

DESCRIPTIONS_DA: dict[str, str] = {
    "enrolment_unknown_participant": "forløb, hvis deltager ikke findes i deltagertabellen",
    "participant_unknown_company": "deltagere, hvis arbejdsgiver (CVR) ikke findes blandt "
    "virksomhederne",
    "contact_unknown_company": "virksomhedskontakter til et CVR-nummer, der ikke findes blandt "
    "virksomhederne",
    "answer_unknown_statement": "survey-svar på et udsagn, der ikke findes",
    "exit_before_start": "forløb, der slutter før de starter",
    "exit_without_reason": "forløb med slutdato men uden ophørsårsag, eller omvendt",
    "event_after_data_date": "forløb, der starter eller slutter efter dataopgørelsen",
    "start_before_first_entry": "forløb, der starter før deltagerens registrerede første start",
    "participant_without_enrolment": "deltagere uden forløb (startskema uden uddannelse)",
    "underage_euv": "EUV-forløb for personer under 25 år ved start",
    "missing_stop_form": f"forløb, der stadig er åbne mere end {DEFAULT_GRACE_DAYS} dage efter "
    "forventet slut",
    "euv_without_rkv": "EUV-forløb, hvis deltager ikke har en EUV-RKV",
    "employed_without_company": "beskæftigede deltagere uden arbejdsgivers CVR-nummer",
    "track_differs_from_rkv": "EUV-forløb på et andet spor end RKV'en besluttede",
    "follow_up_missing": "ledige deltagere, der stoppede for over seks måneder siden, uden "
    "status seks måneder efter",
} | {rule.name: rule.description_da for rule in reference_rules() if rule.description_da}


def _partner_report(ctx: ReportContext) -> CheckReport:
    """The rules on the whole database, kept to the partner's own rows."""
    tables = ctx.programme_tables or ctx.tables
    stamp = pd.Timestamp(ctx.data_date)
    t = ctx.tables
    own = (
        set(t["enrolments"]["enrolment_id"].astype(str))
        | set(t["participants"]["participant_id"].astype(str))
        | set(t["company_contacts"]["contact_id"].astype(str))
        | set(t["survey_responses"]["response_id"].astype(str))
    )
    findings = []
    for rule in rules(DEFAULT_GRACE_DAYS):
        ids = rule.find(tables, stamp)
        ids = ids[ids.isin(own)]
        if len(ids):
            findings.append(Finding(rule.name, rule.severity, rule.description, len(ids)))
    return CheckReport(ctx.data_date, tuple(findings))


def check_report(ctx: ReportContext) -> CheckReport:
    """What ``research check`` finds (programme), or its partner-scoped version. The checks
    run on the tables the context already read, as ``check_database`` reads them (every table,
    the data date), not on a second read of the database (seconds at scale 100)."""
    if ctx.partner:
        return _partner_report(ctx)
    return run_checks(ctx.programme_tables or ctx.tables, ctx.data_date)


def findings_table(
    ctx: ReportContext, report: CheckReport, linked_hidden: dict[str, int] | None = None
) -> PublishedTable:
    """Severity, description and count per rule with findings; no examples (they are ids).

    ``linked_hidden`` maps a rule to a count withheld in another table of the report: the
    finding's count is withheld too when it is the same number.
    """
    rows = [
        {
            "rule": f.rule,
            "severity": f.severity,
            "description": f.description,
            "count": int(f.count),
            "counts_persons": f.rule not in NOT_PERSONS,
        }
        for f in report.findings
    ]
    data = pd.DataFrame(
        rows, columns=["rule", "severity", "description", "count", "counts_persons"]
    )
    data["count"] = data["count"].astype("int64")
    data["counts_persons"] = data["counts_persons"].astype(bool)
    words = {"error": tr(ctx, "Fejl", "Error"), "warning": tr(ctx, "Advarsel", "Warning")}
    data["severity_label"] = data["severity"].map(words)
    if ctx.lang == "da":
        data["text"] = data["rule"].map(DESCRIPTIONS_DA).fillna(data["description"])
    else:
        data["text"] = data["description"]
    hidden = ctx.rule.sensitive(data["count"].to_numpy()) & data["counts_persons"].to_numpy()
    for rule_name, count in (linked_hidden or {}).items():
        hidden |= (data["rule"] == rule_name).to_numpy() & (data["count"] == count).to_numpy()
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["count"] = hidden
    return PublishedTable(
        name="quality_findings",
        caption=tr(
            ctx,
            f"Fund fra research check, data pr. {format_date(ctx.data_date, 'da')}",
            f"Findings of research check, data as of {format_date(ctx.data_date, 'en')}",
        ),
        data=data,
        columns={
            "severity_label": ColumnFormat("text", label_da="Alvor", label_en="Severity"),
            "text": ColumnFormat("text", label_da="Beskrivelse", label_en="Description"),
            "count": ColumnFormat.labelled("count", "number"),
        },
        lang=ctx.lang,
        hidden=mask,
        person_counts=("count",),
        keys=("rule",),
        person_rows="counts_persons",
        note=tr(
            ctx,
            "Antal forløb eller deltagere (kontakter og survey-svar for de to regler om "
            "virksomheder og udsagn). Eksempler vises ikke: de er registrerings-id'er.",
            "Number of enrolments or participants (contacts and survey responses for the two "
            "rules about companies and statements). Examples are not shown: they are record "
            "ids.",
        ),
        rule=ctx.rule,
    )


def protect_timeliness(frame: pd.DataFrame, rule: DisclosureRule) -> pd.DataFrame:
    """Per measure, partners plus an ``I alt`` row, protected with ``suppress_rates``.

    Measures over the same base (the same denominator per partner, e.g. all enrolments) are
    linked tables: one must not publish a partner's base that another hid to protect its own
    cells. So each base is protected once as a one-way table of partners (``suppress_series``)
    and every measure must hide exactly those bases. A measure whose own protection hides other
    bases keeps its total row (as protected) and withholds its per-partner counts and rates.
    """
    bases: dict[tuple[int, ...], np.ndarray] = {}
    parts = []
    for key, rows in frame.groupby("measure", sort=False):
        rows = rows.set_index("partner_id")
        protected = suppress_rates(rows["numerator"], rows["denominator"], rule)
        signature = tuple(int(d) for d in rows["denominator"])
        if signature not in bases:
            bases[signature] = suppress_series(rows["denominator"], rule).mask.to_numpy(bool)
        base_hidden = bases[signature]
        numerator_hidden = np.array(protected["numerator"].isna(), dtype=bool)
        denominator_hidden = np.array(protected["denominator"].isna(), dtype=bool)
        rate_hidden = np.array(protected["suppressed"], dtype=bool)
        detail_withheld = not (denominator_hidden == base_hidden).all()
        if detail_withheld:
            numerator_hidden[:-1] = True
            rate_hidden[:-1] = True
            denominator_hidden = base_hidden.copy()
        first = rows.iloc[0]
        part = pd.DataFrame(
            {
                "measure": key,
                "form": first["form"],
                "label_da": first["label_da"],
                "label_en": first["label_en"],
                "partner_id": protected.index.astype(str),
                "numerator": [*rows["numerator"], int(rows["numerator"].sum())],
                "denominator": [*rows["denominator"], int(rows["denominator"].sum())],
                "rate": [*rows["rate"], _rate(rows)],
                "numerator_hidden": numerator_hidden,
                "denominator_hidden": denominator_hidden,
                "rate_hidden": rate_hidden,
                "detail_withheld": detail_withheld,
            }
        )
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["numerator"] = out["numerator"].astype("int64")
    out["denominator"] = out["denominator"].astype("int64")
    return out


def _rate(rows: pd.DataFrame) -> float:
    den = int(rows["denominator"].sum())
    return float(rows["numerator"].sum()) / den if den else float("nan")


def timeliness_links(name: str, data: pd.DataFrame) -> list[Link]:
    """Per measure and partner: enrolments = with the problem + without; per measure the
    partners add up to the total; the partners' tables and the total's are linked through
    the same "I alt" rows (``SHOWN`` names the table that shows them)."""
    keys = ("measure", "partner_id")
    links = with_and_without(name, data, keys, [("denominator", "numerator", "without")])
    for measure, rows in data.groupby("measure", sort=False):
        partners = [str(p) for p in rows["partner_id"] if str(p) != TOTAL_LABEL]
        total = f"{measure}/{TOTAL_LABEL}"
        if name == SHOWN or not partners:
            continue
        has_total = (rows["partner_id"].astype(str) == TOTAL_LABEL).any()
        for column in ("numerator", "denominator"):
            of_partners = rows.loc[rows["partner_id"].astype(str) != TOTAL_LABEL, column]
            of_total = rows.loc[rows["partner_id"].astype(str) == TOTAL_LABEL, column]
            if has_total and int(of_partners.sum()) != int(of_total.iloc[0]):
                continue  # an enrolment counted by two partners: the sum does not hold
            links.append(
                Link(
                    f"{name} {measure} {column}: partners add up to the total",
                    Ref(name if has_total else SHOWN, total, column),
                    tuple(Ref(name, f"{measure}/{p}", column) for p in partners),
                )
            )
            if has_total:
                links.append(
                    same(
                        Ref(name, total, column),
                        Ref(SHOWN, total, column),
                        name=f"{measure} {column}: the total in both tables",
                    )
                )
    return links


SHOWN = "form_timeliness"


def _timeliness_table(
    ctx: ReportContext, data: pd.DataFrame, name: str, caption: str, by_partner: bool
) -> PublishedTable:
    data = data.reset_index(drop=True)
    data["label"] = data["label_da"] if ctx.lang == "da" else data["label_en"]
    names = partner_names(ctx) | {TOTAL_LABEL: tr(ctx, "I alt", "Total")}
    data["partner"] = data["partner_id"].map(names).fillna(data["partner_id"])
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["numerator"] = data["numerator_hidden"].to_numpy(bool)
    mask["denominator"] = data["denominator_hidden"].to_numpy(bool)
    mask["rate"] = data["rate_hidden"].to_numpy(bool)
    columns = {"label": ColumnFormat("text", label_da="Mål", label_en="Measure")}
    if by_partner:
        columns["partner"] = ColumnFormat("text", label_da="Partner", label_en="Partner")
    columns |= {
        "numerator": ColumnFormat(
            "number", label_da="Forløb med problemet", label_en="Enrolments with the problem"
        ),
        "denominator": ColumnFormat("number", label_da="Forløb i alt", label_en="Enrolments"),
        "rate": ColumnFormat.labelled("share", "percent"),
    }
    return PublishedTable(
        name=name,
        caption=caption,
        data=data,
        columns=columns,
        lang=ctx.lang,
        hidden=mask,
        person_counts=("numerator", "denominator"),
        keys=("measure", "partner_id"),
        links=tuple(timeliness_links(name, data)),
        follows=(Follows("numerator", ("rate",)), Follows("denominator", ("rate",))),
        note=tr(
            ctx,
            "Forløb startet ved kvartalets udgang; hvert forløb har ét startskema og efter "
            "ophør ét ophørsskema. Databasen kender ikke modtagelsesdatoen, så rettidighed "
            "aflæses som tilstanden ved kvartalets udgang (se definitionerne i boksen sidst i "
            "rapporten).",
            "Enrolments started by the end of the quarter; each has one start form and, after "
            "the exit, one stop form. The database has no date of receipt, so timeliness is "
            "read as the state at the end of the quarter (see the definitions in the box at "
            "the end of the report).",
        ),
        rule=ctx.rule,
    )


def timeliness_tables(ctx: ReportContext) -> tuple[PublishedTable, PublishedTable] | None:
    """The whole scope per measure (shown) and per partner (data); None without enrolments."""
    t = ctx.tables
    frame = form_timeliness(t["participants"], t["enrolments"], ctx.as_of)
    if frame.empty:
        return None
    protected = protect_timeliness(frame, ctx.rule)
    total = protected[protected["partner_id"] == TOTAL_LABEL]
    quarter = ctx.quarter.label(ctx.lang)
    shown = _timeliness_table(
        ctx,
        total,
        "form_timeliness",
        tr(
            ctx,
            f"Start- og ophørsskemaer: fuldstændighed og rettidighed, {quarter}",
            f"Start and stop forms: completeness and timeliness, {quarter}",
        ),
        by_partner=False,
    )
    partners = _timeliness_table(
        ctx,
        protected,
        "form_timeliness_partners",
        tr(
            ctx,
            f"Start- og ophørsskemaer pr. partner, {quarter}",
            f"Start and stop forms per partner, {quarter}",
        ),
        by_partner=True,
    )
    return shown, partners


def _summary(ctx: ReportContext, report: CheckReport) -> Text:
    errors = sum(1 for f in report.findings if f.severity == "error")
    warnings = sum(1 for f in report.findings if f.severity == "warning")
    day = format_date(ctx.data_date, ctx.lang)
    if not report.findings:
        return Text(
            tr(
                ctx,
                f"research check fandt ingen fejl eller advarsler i data pr. {day}.",
                f"research check found no errors or warnings in the data as of {day}.",
            )
        )
    return Text(
        tr(
            ctx,
            f"research check fandt problemer efter {errors} regler for fejl og {warnings} "
            f"regler for advarsler i data pr. {day}.",
            f"research check found problems under {errors} error rules and {warnings} warning "
            f"rules in the data as of {day}.",
        )
    )


def quality(ctx: ReportContext) -> Section:
    """Section 8: research check's findings and the forms' completeness and timeliness."""
    title = tr(ctx, "8. Datakvalitet", "8. Data quality")
    report = check_report(ctx)
    timeliness = timeliness_tables(ctx)
    linked: dict[str, int] = {}
    if timeliness is not None:
        overdue = timeliness[0].data.set_index("measure").loc["stop_form_overdue"]
        if bool(overdue["numerator_hidden"]):
            linked["missing_stop_form"] = int(overdue["numerator"])
    items: list = [_summary(ctx, report)]
    if report.findings:
        items.append(findings_table(ctx, report, linked))
    intro = Text(
        tr(
            ctx,
            "Hvor mange forløb har et problem i start- eller ophørsskemaet? Et ophørsskema er "
            f"ufuldstændigt, når ophørsårsag eller status ved ophør mangler {DAYS_AFTER_EXIT} "
            f"dage efter ophør, og mangler helt, når forventet slutdato plus {DEFAULT_GRACE_DAYS} "
            "dage er passeret uden ophør. Andelene er af alle partnerens forløb.",
            "How many enrolments have a problem in their start or stop form? A stop form is "
            "incomplete when the exit reason or the status on leaving is missing "
            f"{DAYS_AFTER_EXIT} days after the exit, and overdue when the expected end plus "
            f"{DEFAULT_GRACE_DAYS} days has passed with no exit. Shares are of all the "
            "partner's enrolments.",
        )
    )
    rkv = rkv_agreement_table(ctx)
    rkv_items = [rkv] if rkv is not None else []
    if timeliness is None:
        items += [intro, no_data(ctx, "ingen forløb", "no enrolments"), *rkv_items]
        return Section(title, items)
    items += [intro, timeliness[0], *rkv_items]
    return Section(title, items, data=[timeliness[1]])
