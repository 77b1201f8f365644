"""The policy timeline's view model: the milestones, context events, incidents and phases of a filter's years,
the words around the chart (counts, the key to the markers, the aggregation notice, the text alternative, the
phases' source), its 'View as table', and the banned organisations. Shared by the timeline page, its presentation
slide and the briefing pack's milestone and timeline pages."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.figures import timeline as tl
from components.figures import timeline_tables as tt
from components.filters import Filters
from components.pack.load import DataPack
from components.pack.schema import split_ids
from components.pack.sources import source_entries
from components.text import plural
from components.views.base import span

TABLE_INCIDENTS = tl.INCIDENT_LIMIT  # incidents in the timeline's 'View as table' (the most recent beyond)
PHASES_SOURCE = "the 2018 Karaganda article"


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

    @property
    def span(self) -> str:
        return span(self.years)

    @property
    def context_events(self) -> int:
        return len(self.policies) - len(self.milestones)

    @property
    def print_note(self) -> str:
        """The sentence under the briefing pack's timeline image."""
        binned = (f"The incidents are too many to draw one by one: one circle per {tl.bin_unit(self.years)}, its "
                  "area proportional to their number. " if self.incidents > tl.INCIDENT_LIMIT else "")
        return (tl.policy_counts(self.policies) + f" and {plural(self.incidents, 'incident')}. " + binned
                + "Phases: approximate readings of the 2018 Karaganda article.")

    @property
    def source_ids(self) -> list[str]:
        """The sources cited by the milestones, context events, phases and bans drawn."""
        return [s for frame in (self.policies, self.phases, self.bans) for c in frame["source_ids"]
                for s in split_ids(c)]


def _key_text(policies: pd.DataFrame, events: pd.DataFrame, aggregated: str) -> str:
    n_imprecise = int(policies["date_precision"].isin(tl.IMPRECISE).sum())
    if not aggregated:
        n_imprecise += int(events["date_precision"].isin(tl.IMPRECISE).sum())
    unknown = int(events["killed"].isna().sum())
    bits = [f"{tl.policy_counts(policies)} and {plural(len(events), 'incident')} shown."
            if not aggregated else f"{tl.policy_counts(policies)} and {len(events):,} incidents."]
    bits.append(f"Open markers with a dot: date known only to the month or approximate ({n_imprecise} here; "
                "the hover says which)." if n_imprecise else "Every date shown is known to the day.")
    if len(events) and not aggregated:
        bits.append("Filled stars: incidents, larger for more victims killed"
                    + (f"; open stars: {plural(unknown, 'incident')} whose victims killed are unknown, "
                       "not zero." if unknown else "."))
    bits.append("Markers close in time are spread up and down within their row; that position has no meaning. "
                "Drag across the chart to zoom into a period, double-click to zoom out.")
    return " ".join(bits)


def build(pack: DataPack, filters: Filters, events: pd.DataFrame) -> Timeline:
    years, t = filters.years, pack.tables
    policies = filters.apply_years(t["policies"])
    phases = t["phases"]
    aggregated = tl.aggregated_incidents(events, years)
    cited = ";".join(sorted(set(";".join(phases["source_ids"].dropna()).split(";")) - {""}))
    article = "; ".join(e["citation"] for e in source_entries(cited, pack.sources_by_id()))
    return Timeline(
        years=years, policies=policies,
        milestones=policies[policies["category"] != "context"].sort_values(["date", "policy_id"], kind="stable"),
        phases=phases[(phases["end_year"] >= years[0]) & (phases["start_year"] <= years[1])],
        bans=filters.apply_years(t["banned_organisations"], "decision_date"), incidents=len(events),
        aggregated=aggregated, alt=tl.figure_alt(policies, events, years), key=_key_text(policies, events, aggregated),
        covering=tt.phases_covering(phases, years), article=article or PHASES_SOURCE)


def table(pack: DataPack, filters: Filters, events: pd.DataFrame) -> pd.DataFrame:
    """The timeline's 'View as table': every milestone and at most TABLE_INCIDENTS incidents (the most recent)."""
    if len(events) > TABLE_INCIDENTS:
        events = events.loc[events["date"].nlargest(TABLE_INCIDENTS, keep="first").index]
    t = pack.tables
    return tt.timeline_table(filters.apply_years(t["policies"]), events, t["banned_organisations"])


@dataclass(frozen=True)
class Bans:
    organisations: int
    decisions: int
    shown: pd.DataFrame  # the organisations decided in the filter's years, as the table shows them
    shown_decisions: int
    disagreement: dict | None  # the recorded disagreement on the total

    def lead(self, years: tuple[int, int], rows_left_out: int = 0) -> str:
        """The sentence above the list of banned organisations."""
        text = (f"The data pack lists {plural(self.organisations, 'organisation')} banned by "
                f"{plural(self.decisions, 'court decision')}, from the 2018 Karaganda article; one row per "
                "organisation, grouped by decision in date order.")
        if rows_left_out:
            text += (f" {plural(rows_left_out, 'row')} of the file {'was' if rows_left_out == 1 else 'were'} left "
                     "out for errors (see 'Data pack checks').")
        if 0 < len(self.shown) < self.organisations:
            text += (f" {plural(len(self.shown), 'organisation')} under {plural(self.shown_decisions, 'decision')} "
                     f"{'falls' if len(self.shown) == 1 else 'fall'} in {span(years)}.")
        return text

    @property
    def disagreement_text(self) -> str:
        d = self.disagreement
        if not d:
            return ""
        return (f"Sources disagree on the total (contradiction {d['contradiction_id']}): this list has "
                f"{self.organisations}, as the Karaganda article gives them; another source gives "
                f"{d['alternatives']}. The organisations missing from the article's list are not identified.")


def bans(pack: DataPack, filters: Filters) -> Bans:
    """The banned organisations: totals, those decided in the filter's years, the disagreement on the total."""
    t = pack.tables
    all_bans = t["banned_organisations"]
    listed = tt.bans_table(all_bans, t["policies"])
    shown = filters.apply_years(all_bans, "decision_date")
    return Bans(len(all_bans), tt.decisions_count(all_bans), listed[listed["Record id"].isin(set(shown["ban_id"]))],
                tt.decisions_count(shown),
                tt.ban_count_disagreement(t["contradictions"], t["alternatives"], pack.sources_by_id()))
