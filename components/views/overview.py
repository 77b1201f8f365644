"""The overview's view model: headline figures with their unknowns, incidents and victims per year, the policy
milestones drawn beside them, the most recent incidents and what the table covers. Shared by the overview page,
its presentation slide and the briefing pack's headline and per-year pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from components.figures import yearly
from components.filters import Filters
from components.i18n import DEFAULT, ENGLISH, N_, Translator
from components.pack.load import DataPack
from components.text import escape_md
from components.views import summary
from components.views.sources import excluded_summary

RECENT = 8  # incidents in the overview's "most recent" list
RECENT_COLUMNS = ["date", "place", "region", "attack_type", "killed", "injured", "classification"]
# The headers of the chart's 'View as table' (translated where shown)
YEAR_TABLE_NAMES = {"year": N_("year"), "incidents": N_("incidents"), "killed_known": N_("victims killed (known)"),
                    "killed_unknown": N_("incidents with unknown victims"), "injured_known": N_("injured (known)"),
                    "injured_unknown": N_("incidents with unknown injured")}
MILESTONE_TABLE_NAMES = {"date": N_("date"), "category": N_("category"), "title": N_("title")}
# Category columns of the recent incidents, shown by their labels in the language
RECENT_LABELS = ("region", "attack_type", "classification")
# The headers of the most recent incidents' table (translated where shown)
RECENT_TABLE_NAMES = {"date": N_("Date"), "place": N_("Place"), "region": N_("Region"),
                      "attack_type": N_("Attack type"), "killed": N_("Killed"), "injured": N_("Injured"),
                      "classification": N_("Classification")}


@dataclass(frozen=True)
class Overview:
    incidents: int
    headline: dict[str, summary.Figure]
    tiles: list[summary.Tile]
    disputed: int
    classifications: list[tuple[str, int]]
    per_year: pd.DataFrame  # summary.per_year over the filter's years
    milestones: pd.DataFrame  # the policy milestones the chart draws (context rows left out)
    recent_ids: list[str]
    recent: pd.DataFrame  # the most recent incidents as the page lists them, unknown figures written out
    coverage: str
    left_out: str
    chart_alt: str
    t: Translator = ENGLISH

    @property
    def disputed_sentence(self) -> str:
        """'Sources disagree on 5 of these 31 incidents (casualties, dates or classification)' ('' when none)."""
        if not self.disputed:
            return ""
        if self.incidents == 1:
            return self.t("The sources disagree on this incident (casualties, dates or classification)")
        return self.t("Sources disagree on {disputed} of these {total} incidents (casualties, dates or "
                      "classification)").format(disputed=self.t.number(self.disputed),
                                                total=self.t.number(self.incidents))

    @property
    def classification_text(self) -> str:
        """'officially terrorism: 4; disputed: 1' (classifications present only, by their labels)."""
        return "; ".join(f"{self.t.value('classification', k)}: {v}" for k, v in self.classifications)

    @cached_property
    def recent_table(self) -> pd.DataFrame:
        """The most recent incidents as the overview's table shows them: dates as YYYY-MM-DD (unknown blank),
        headers in the language, every cell's markup escaped (st.table draws its cells as markdown: the data's
        words show as typed)."""
        out = self.recent.assign(date=[_iso(d, "") for d in self.recent["date"]])
        out = out.astype(object).where(out.notna(), "").map(escape_md)
        return out.rename(columns={k: self.t(v) for k, v in RECENT_TABLE_NAMES.items()})

    def recent_choice(self, event_id: str) -> str:
        """An incident of the list as the 'open its record' control names it: 'YYYY-MM-DD, place (region)'."""
        row = self.recent.iloc[self.recent_ids.index(event_id)]  # plain text: a list shows no markup
        date = _iso(row["date"], self.t("date unknown"))
        place, region = (row[c] if pd.notna(row[c]) and str(row[c]).strip() else self.t("unknown")
                         for c in ("place", "region"))
        return f"{date}, {place} ({region})"

    @cached_property  # built once per view model (the model is memoised), so its Arrow form is made once
    def year_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The chart's 'View as table': per year (unknowns counted apart) and the milestones drawn (categories by
        their labels), with headers in the language."""
        t = self.t
        milestones = self.milestones[list(MILESTONE_TABLE_NAMES)]
        if t.lang != DEFAULT:
            milestones = milestones.assign(category=[t.value("category", c) for c in milestones["category"]])
        return (self.per_year.rename(columns={k: t(v) for k, v in YEAR_TABLE_NAMES.items()}),
                milestones.rename(columns={k: t(v) for k, v in MILESTONE_TABLE_NAMES.items()}))


def _iso(date, unknown: str) -> str:
    """A date as YYYY-MM-DD, or ``unknown`` when there is none."""
    return date.strftime("%Y-%m-%d") if pd.notna(date) else unknown


def _recent(events: pd.DataFrame) -> pd.DataFrame:
    # the latest without sorting a large table: candidates by nlargest (ties kept), then sorted
    candidates = events if len(events) <= 1000 else events.loc[events["date"].nlargest(RECENT, keep="all").index]
    return candidates.sort_values("date", ascending=False).head(RECENT)


def _recent_table(recent: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The most recent incidents as the page lists them: unknown figures written out, categories and regions by
    their labels in the language (the frame's English values stay in the pack)."""
    out = summary.display_counts(recent[RECENT_COLUMNS], t=t)
    if t.lang != DEFAULT:
        for col in RECENT_LABELS:
            out[col] = [t.value(col, v) for v in out[col]]
    return out


def _classifications(events: pd.DataFrame) -> list[tuple[str, int]]:
    counts = events["classification"].value_counts()
    return [(str(k), int(v)) for k, v in counts.items() if v > 0]  # a categorical also counts unused categories


def chart_alt(per_year: pd.DataFrame, milestones: pd.DataFrame, killed: summary.Figure,
              t: Translator = ENGLISH) -> str:
    """The overview chart's text alternative, with its numbers, in the translator's language."""
    years = per_year["year"]
    busiest = per_year.loc[per_year["incidents"].idxmax()] if len(per_year) and per_year["incidents"].max() else None
    words = dict(start=int(years.min()), end=int(years.max()),
                 milestones=t.n("{n} policy milestone", "{n} policy milestones", len(milestones)),
                 incidents=t.n("{n} incident", "{n} incidents", int(per_year["incidents"].sum())),
                 killed=killed.sentence(t))
    if busiest is None:
        return t("Three stacked charts over {start}-{end}: {milestones} by kind; {incidents} per year; and victims "
                 "killed per year, {killed}.").format(**words)
    return t("Three stacked charts over {start}-{end}: {milestones} by kind; {incidents} per year (most in {year}: "
             "{most}); and victims killed per year, {killed}.").format(
        **words, year=int(busiest["year"]), most=t.number(int(busiest["incidents"])))


def build(pack: DataPack, filters: Filters, events: pd.DataFrame, t: Translator | None = None) -> Overview:
    """The overview of the incidents ``events`` (those of ``filters``), in the pack's language (or ``t``'s)."""
    t = t or pack.t
    per_year = summary.per_year(events, filters.years)
    milestones = yearly.milestones(pack.tables["policies"], filters.years).sort_values(["date", "policy_id"],
                                                                                kind="stable")
    headline = summary.headline(events)
    recent = _recent(events)
    return Overview(
        incidents=len(events), headline=headline, tiles=summary.tiles(events, t),
        disputed=summary.disputed_count(events), classifications=_classifications(events),
        per_year=per_year, milestones=milestones, recent_ids=recent["event_id"].tolist(),
        recent=_recent_table(recent, t), coverage=summary.coverage_text(events, t),
        left_out=excluded_summary(pack, t=t), chart_alt=chart_alt(per_year, milestones, headline["killed"], t), t=t)
