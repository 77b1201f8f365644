"""The policy timeline's view model: the milestones, context events, incidents and phases of a filter's years,
the words around the chart (counts, the key to the markers, the aggregation notice, the text alternative, the
phases' source), its 'View as table', and the banned organisations. Shared by the timeline page, its presentation
slide and the briefing pack's milestone and timeline pages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from components.figures import timeline as tl
from components.figures import timeline_tables as tt
from components.filters import Filters
from components.i18n import ENGLISH, N_, Translator
from components.pack.load import DataPack
from components.pack.schema import split_ids
from components.pack.sources import source_entries
from components.views.base import span

TABLE_INCIDENTS = tl.INCIDENT_LIMIT  # incidents in the timeline's 'View as table' (the most recent beyond)
PHASES_SOURCE = N_("the 2018 Karaganda article")
# The briefing pack's sentence on incidents drawn per period, one per period.
BINNED_NOTE = {
    "month": N_("The incidents are too many to draw one by one: one circle per month, its area proportional to their "
                "number."),
    "quarter": N_("The incidents are too many to draw one by one: one circle per quarter, its area proportional to "
                  "their number."),
    "year": N_("The incidents are too many to draw one by one: one circle per year, its area proportional to their "
               "number."),
}


@dataclass(frozen=True)
class Timeline:
    years: tuple[int, int]
    policies: pd.DataFrame  # every policy row in the years (milestones and context)
    milestones: pd.DataFrame  # without the context rows, in date order
    phases: pd.DataFrame  # phases overlapping the years
    bans: pd.DataFrame  # bans decided in the years
    incidents: int
    aggregated: str  # the notice when incidents are drawn per period ('' when one by one)
    alt: str
    key: str  # the key to the markers
    covering: list[str]  # the phases covering the years (for the 'nothing here' message)
    article: str  # the citation of the phases' source
    t: Translator = field(default=ENGLISH, compare=False, repr=False)  # the language of its sentences

    @property
    def span(self) -> str:
        return span(self.years)

    @property
    def context_events(self) -> int:
        return len(self.policies) - len(self.milestones)

    @property
    def print_note(self) -> str:
        """The sentence under the briefing pack's timeline image."""
        t = self.t
        parts = [t("{counts} and {incidents}.").format(counts=tl.policy_counts(self.policies, t),
                                                       incidents=t.n("{n} incident", "{n} incidents", self.incidents))]
        if self.incidents > tl.INCIDENT_LIMIT:
            parts.append(t(BINNED_NOTE[tl.bin_unit(self.years)]))
        parts.append(t("Phases: approximate readings of the 2018 Karaganda article."))
        return " ".join(parts)

    @property
    def source_ids(self) -> list[str]:
        """The sources cited by the milestones, context events, phases and bans drawn."""
        return [s for frame in (self.policies, self.phases, self.bans) for c in frame["source_ids"]
                for s in split_ids(c)]


def _key_text(policies: pd.DataFrame, events: pd.DataFrame, aggregated: str, t: Translator = ENGLISH) -> str:
    n_imprecise = int(policies["date_precision"].isin(tl.IMPRECISE).sum())
    if not aggregated:
        n_imprecise += int(events["date_precision"].isin(tl.IMPRECISE).sum())
    unknown = int(events["killed"].isna().sum())
    counts, incidents = tl.policy_counts(policies, t), t.n("{n} incident", "{n} incidents", len(events))
    bits = [t("{counts} and {incidents} shown.").format(counts=counts, incidents=incidents) if not aggregated
            else t("{counts} and {incidents}.").format(counts=counts, incidents=incidents)]
    bits.append(t("Open markers with a dot: date known only to the month or approximate ({n} here; the hover says "
                  "which).").format(n=t.number(n_imprecise)) if n_imprecise
                else t("Every date shown is known to the day."))
    if len(events) and not aggregated:
        bits.append(t("Filled stars: incidents, larger for more victims killed; open stars: {incidents} whose victims "
                      "killed are unknown, not zero.").format(incidents=t.n("{n} incident", "{n} incidents", unknown))
                    if unknown else t("Filled stars: incidents, larger for more victims killed."))
    bits.append(t("Markers close in time are spread up and down within their row; that position has no meaning. "
                  "Drag across the chart to zoom into a period, double-click to zoom out."))
    return " ".join(bits)


def build(pack: DataPack, filters: Filters, events: pd.DataFrame) -> Timeline:
    """The timeline of the incidents ``events`` (those of ``filters``), in the pack's language."""
    years, tables, t = filters.years, pack.tables, pack.t
    policies = filters.apply_years(tables["policies"])
    phases = tables["phases"]
    aggregated = tl.aggregated_incidents(events, years, t=t)
    cited = ";".join(sorted(set(";".join(phases["source_ids"].dropna()).split(";")) - {""}))
    article = "; ".join(e["citation"] for e in source_entries(cited, pack.sources_by_id()))
    return Timeline(
        years=years, policies=policies,
        milestones=policies[policies["category"] != "context"].sort_values(["date", "policy_id"], kind="stable"),
        phases=phases[(phases["end_year"] >= years[0]) & (phases["start_year"] <= years[1])],
        bans=filters.apply_years(tables["banned_organisations"], "decision_date"), incidents=len(events),
        aggregated=aggregated, alt=tl.figure_alt(policies, events, years, t),
        key=_key_text(policies, events, aggregated, t), covering=tt.phases_covering(phases, years, t),
        article=article or t(PHASES_SOURCE), t=t)


def table(pack: DataPack, filters: Filters, events: pd.DataFrame) -> pd.DataFrame:
    """The timeline's 'View as table': every milestone and at most TABLE_INCIDENTS incidents (the most recent), its
    headers and category values in the pack's language."""
    events = events[[c for c in tt.EVENT_ROW_COLUMNS if c in events]]  # what the rows read, not every column
    if len(events) > TABLE_INCIDENTS:
        events = events.loc[events["date"].nlargest(TABLE_INCIDENTS, keep="first").index]
    tables = pack.tables
    return tt.timeline_table(filters.apply_years(tables["policies"]), events, tables["banned_organisations"],
                             t=pack.t)


@dataclass(frozen=True)
class Bans:
    organisations: int
    decisions: int
    shown: pd.DataFrame  # the organisations decided in the filter's years, as the table shows them
    shown_decisions: int
    disagreement: dict | None  # the recorded disagreement on the total
    t: Translator = field(default=ENGLISH, compare=False, repr=False)  # the language of its sentences

    def lead(self, years: tuple[int, int], rows_left_out: int = 0) -> str:
        """The sentence above the list of banned organisations."""
        t = self.t
        text = t("The data pack lists {organisations} banned by {decisions}, from the 2018 Karaganda article; one "
                 "row per organisation, grouped by decision in date order.").format(
            organisations=t.n("{n} organisation", "{n} organisations", self.organisations),
            decisions=t.n("{n} court decision", "{n} court decisions", self.decisions))
        if rows_left_out:
            text += " " + t.n("{n} row of the file was left out for errors (see 'Data pack checks').",
                              "{n} rows of the file were left out for errors (see 'Data pack checks').", rows_left_out)
        if 0 < len(self.shown) < self.organisations:
            sentence = (t("{organisations} under {decisions} falls in {span}.") if len(self.shown) == 1
                        else t("{organisations} under {decisions} fall in {span}."))
            text += " " + sentence.format(
                organisations=t.n("{n} organisation", "{n} organisations", len(self.shown)),
                decisions=t.n("{n} decision", "{n} decisions", self.shown_decisions), span=span(years))
        return text

    @property
    def disagreement_text(self) -> str:
        d = self.disagreement
        if not d:
            return ""
        t = self.t
        return t("Sources disagree on the total (contradiction {id}): this list has {n}, as the Karaganda article "
                 "gives them; another source gives {alternatives}. The organisations missing from the article's list "
                 "are not identified.").format(id=d["contradiction_id"], n=t.number(self.organisations),
                                               alternatives=d["alternatives"])


def bans(pack: DataPack, filters: Filters) -> Bans:
    """The banned organisations: totals, those decided in the filter's years, the disagreement on the total; the
    table's headers and the sentences in the pack's language."""
    tables, t = pack.tables, pack.t
    all_bans = tables["banned_organisations"]
    listed = tt.bans_table(all_bans, tables["policies"], t)
    shown = filters.apply_years(all_bans, "decision_date")
    return Bans(len(all_bans), tt.decisions_count(all_bans),
                listed[listed[t("Record id")].isin(set(shown["ban_id"]))], tt.decisions_count(shown),
                tt.ban_count_disagreement(tables["contradictions"], tables["alternatives"], pack.sources_by_id(), t),
                t)
