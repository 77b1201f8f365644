"""The statistics view model: for each chart the rows it draws, its source line, the reliability of that source,
the caveats and recorded disagreements, and its text alternative; the readable tables; the age, prosecution and
foreign-fighter figures as the slide and the briefing pack state them. None depend on the filters (national
figures as reported). Each is in the pack's language (``pack.t``): the quotes stay verbatim, their translation beside
them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from components.figures import statistics as sc
from components.figures.timeline_tables import translated_headers
from components.i18n import N_
from components.pack.load import DataPack
from components.pack.schema import split_ids
from components.pack.values import is_blank
from components.text import clean

NATIONAL_NOTE = "National figures as reported: the region and year filters do not apply to them."
CHARTS = {"age": sc.AGE_IDS, "prosecution": sc.PROSECUTION_IDS, "fighters": sc.FIGHTERS_IDS}


def statistics(pack: DataPack) -> pd.DataFrame:
    """The statistics table as the charts read it: in a translated pack, the rows whose period says 'same as above'
    in English are marked so (``sc.SAME_AS_ABOVE_COLUMN``), since their period is shown translated."""
    stats = pack.tables["statistics"]
    if not pack.basis:
        return stats
    same = {rid for (table, rid, column), b in pack.basis.items()
            if table == "statistics" and column == "period" and b.english.strip().lower() == sc.SAME_AS_ABOVE}
    return stats.assign(**{sc.SAME_AS_ABOVE_COLUMN: stats["stat_id"].astype(str).isin(same).astype(bool)})


@dataclass(frozen=True)
class ChartText:
    """The words around one statistics chart."""

    line: str  # the source document's rows: 'publisher, “title”, date'
    comparators_line: str  # the comparators' rows, where the chart draws any
    reliability: str
    caveats: list[tuple[str, str, str]]  # (metric, value as stated, caveat)
    disagreements: list[dict[str, str]]  # contradictions recorded on these rows
    alt: str


def chart_text(pack: DataPack, ids: tuple[str, ...]) -> ChartText:
    stats, sources, t = statistics(pack), pack.sources_by_id(), pack.t
    rows = sc.stat_rows(stats, sources, list(ids), t)
    name = next((k for k, v in CHARTS.items() if v == ids), "")
    return ChartText(
        line=sc.chart_source_line(stats, ids, sources),
        comparators_line=sc.chart_source_line(stats, ids, sources, comparators=True),
        reliability=sc.reliability_text(stats, ids, sources),
        caveats=[(r["Metric"], r["Value"], r["Caveat"]) for r in rows.to_dict("records") if r["Caveat"]],
        disagreements=sc.contradiction_notes(pack.tables["contradictions"], pack.tables["alternatives"], sources,
                                             ids, t),
        alt=sc.chart_alt(stats, name, t) if name else "")


def source_ids(pack: DataPack, ids: tuple[str, ...], comparators: bool = False) -> list[str]:
    """The sources cited by the charted rows (those of the source documents, or the comparators')."""
    rows = sc.rows_by_id(pack.tables["statistics"], ids).values()
    return [s for r in rows if bool(r.get("comparator")) == comparators for s in split_ids(r.get("source_ids"))]


@dataclass(frozen=True)
class Age:
    """The perpetrators' age shares exactly as reported (the 20-29 band is not reported and never derived)."""

    under_20: float | None
    aged_30_39: float | None
    under_40: float | None
    complete: bool  # every row is in the pack
    missing: list[str]
    caveat: str
    arithmetic: str
    quote: str  # verbatim
    quote_translation: str = ""  # its translation in the pack's language ('' in English or when it reads the same)


def _number(value: object) -> float | None:
    return None if is_blank(value) else float(value)


def age(pack: DataPack) -> Age:
    stats = sc.chartable(pack.tables["statistics"])  # rows flagged as errors in their document are never charted
    rows = sc.rows_by_id(stats, sc.AGE_IDS)
    caveat = next((clean(r.get("caveat")) for r in rows.values() if not is_blank(r.get("caveat"))), "")
    arithmetic = clean(sc.age_arithmetic(stats, pack.t))
    total = rows.get(sc.AGE_UNDER_40, {})
    return Age(_number(rows.get(sc.AGE_UNDER_20, {}).get("value")), _number(rows.get(sc.AGE_30_39, {}).get("value")),
               _number(total.get("value")), len(rows) == len(sc.AGE_IDS),
               [i for i in sc.AGE_IDS if i not in rows], caveat or arithmetic, arithmetic,
               clean(total.get("quote")), clean(sc.quote_translation(total)))


def prosecution(pack: DataPack) -> list[dict]:
    """Each prosecution figure with a value, in drawing order; 'same as above' in the source takes the period of
    the row before it."""
    t = pack.t
    by_id = sc.rows_by_id(sc.chartable(statistics(pack)), sc.PROSECUTION_IDS)
    out: list[dict] = []
    previous = ""
    for sid in sc.PROSECUTION_IDS:
        r = by_id.get(sid)
        if r is None or is_blank(r.get("value")):
            continue
        period = clean(r.get("period"))
        if sc.is_same_as_above(r) and previous:
            period = previous
        previous = period
        unit = clean(r.get("unit"))
        out.append({"id": sid, "metric": clean(r.get("metric")), "unit": unit, "period": period,
                    "value": float(r["value"]), "qualifier": clean(r.get("qualifier")),
                    "value_as_stated": clean(sc.value_text(r, t)),
                    "value_text": clean(f"{sc.value_text(r, t)} {unit}".strip()),
                    "label": clean(r.get("metric")) + (f" ({unit})" if unit else ""),
                    "caveat": clean(r.get("caveat"))})
    return out


@dataclass(frozen=True)
class Fighters:
    """The source document's range of foreign fighters, and the public comparators kept apart from it."""

    range: dict | None
    comparators: list[dict] = field(default_factory=list)


def fighters(pack: DataPack) -> Fighters:
    stats, sources, t = sc.chartable(pack.tables["statistics"]), pack.sources_by_id(), pack.t
    by_id = sc.rows_by_id(stats, sc.FIGHTERS_IDS)
    rng = by_id.get(sc.FIGHTERS_RANGE)
    ranged = None if rng is None else {
        "value": clean(sc.value_text(rng, t)), "metric": clean(rng.get("metric")), "unit": clean(rng.get("unit")),
        "period": clean(rng.get("period")), "who": clean(sc.short_source(rng.get("source_ids"), sources)),
        "quote": clean(rng.get("quote")), "caveat": clean(rng.get("caveat")),
        "quote_translation": clean(sc.quote_translation(rng))}
    comparators = [{"value": clean(sc.value_text(r, t)), "unit": clean(r.get("unit")),
                    "who": clean(t(sc.COMPARATOR_LABELS.get(sid, sc.COMPARATOR))), "metric": clean(r.get("metric")),
                    "source": clean(sc.short_source(r.get("source_ids"), sources))}
                   for sid in sc.FIGHTERS_COMPARATORS if (r := by_id.get(sid)) is not None]
    return Fighters(ranged, comparators)


def topics(pack: DataPack) -> list[tuple[str, int]]:
    """(topic, rows) of the figures no chart draws, in the data dictionary's topic order (the topic in English, as
    the data has it: show it with ``t.value("topic", topic)``)."""
    order = pack.metadata["tables"]["statistics"]["columns"]["topic"].get("values", [])
    counts = sc.other_document_rows(pack.tables["statistics"])["topic"].value_counts()
    named = [t for t in order if t in counts] + sorted(set(counts.index) - set(order))
    return [(t, int(counts[t])) for t in named]


DISAGREE_COLUMN = N_("Where sources disagree")


def table(pack: DataPack, spec: tuple, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """Readable rows (value as stated, quote, caveat, disagreements) of a spec: ("ids", id, ...), ("topic", name)
    or ("comparators",). ``drop`` names columns in English (``sc.TABLE_COLUMNS``); the headers of the table returned
    are in the pack's language ('stat_id' stays: the page labels it)."""
    stats, sources, t = pack.tables["statistics"], pack.sources_by_id(), pack.t
    if spec[0] == "ids":
        df = sc.stat_rows(stats, sources, list(spec[1:]), t)
    elif spec[0] == "topic":
        others = sc.other_document_rows(stats)
        df = sc.stat_rows(others[others["topic"] == spec[1]], sources, t=t)
    else:
        df = sc.stat_rows(sc.comparator_rows(stats), sources, t=t)
    df.insert(df.columns.get_loc("Caveat") + 1, DISAGREE_COLUMN, sc.disagreement_column(stats, df["stat_id"]))
    return translated_headers(df.drop(columns=list(drop)), t)
