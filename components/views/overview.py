"""The overview's view model: headline figures with their unknowns, incidents and victims per year, the policy
milestones drawn beside them, the most recent incidents and what the table covers. Shared by the overview page,
its presentation slide and the briefing pack's headline and per-year pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from components.figures import yearly
from components.filters import Filters
from components.i18n import ENGLISH, Translator
from components.pack.load import DataPack
from components.text import plural
from components.views import summary
from components.views.sources import excluded_summary

RECENT = 8  # incidents in the overview's "most recent" list
RECENT_COLUMNS = ["date", "place", "region", "attack_type", "killed", "injured", "classification"]
YEAR_TABLE_NAMES = {"killed_known": "victims killed (known)", "killed_unknown": "incidents with unknown victims",
                    "injured_known": "injured (known)", "injured_unknown": "incidents with unknown injured"}


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
        """'terrorism: 12; extremism: 3' (classifications present only)."""
        return "; ".join(f"{k}: {v}" for k, v in self.classifications)

    @cached_property  # built once per view model (the model is memoised), so its Arrow form is made once
    def year_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The chart's 'View as table': per year (unknowns counted apart) and the milestones drawn."""
        return (self.per_year.rename(columns=YEAR_TABLE_NAMES), self.milestones[["date", "category", "title"]])


def _recent(events: pd.DataFrame) -> pd.DataFrame:
    # the latest without sorting a large table: candidates by nlargest (ties kept), then sorted
    candidates = events if len(events) <= 1000 else events.loc[events["date"].nlargest(RECENT, keep="all").index]
    return candidates.sort_values("date", ascending=False).head(RECENT)


def _classifications(events: pd.DataFrame) -> list[tuple[str, int]]:
    counts = events["classification"].value_counts()
    return [(str(k), int(v)) for k, v in counts.items() if v > 0]  # a categorical also counts unused categories


def chart_alt(per_year: pd.DataFrame, milestones: pd.DataFrame, killed: summary.Figure) -> str:
    """The overview chart's text alternative, with its numbers."""
    years = per_year["year"]
    busiest = per_year.loc[per_year["incidents"].idxmax()] if len(per_year) and per_year["incidents"].max() else None
    text = (f"Three stacked charts over {int(years.min())}-{int(years.max())}: "
            f"{plural(len(milestones), 'policy milestone')} by kind; "
            f"{plural(int(per_year['incidents'].sum()), 'incident')} per year")
    if busiest is not None:
        text += f" (most in {int(busiest['year'])}: {int(busiest['incidents'])})"
    return text + f"; and victims killed per year, {killed.sentence()}."


def build(pack: DataPack, filters: Filters, events: pd.DataFrame, t: Translator = ENGLISH) -> Overview:
    """The overview of the incidents ``events`` (those of ``filters``), in the translator's language."""
    per_year = summary.per_year(events, filters.years)
    milestones = yearly.milestones(pack.tables["policies"], filters.years).sort_values(["date", "policy_id"],
                                                                                kind="stable")
    headline = summary.headline(events)
    recent = _recent(events)
    return Overview(
        incidents=len(events), headline=headline, tiles=summary.tiles(events, t),
        disputed=summary.disputed_count(events), classifications=_classifications(events),
        per_year=per_year, milestones=milestones, recent_ids=recent["event_id"].tolist(),
        recent=summary.display_counts(recent[RECENT_COLUMNS]), coverage=summary.coverage_text(events),
        left_out=excluded_summary(pack), chart_alt=chart_alt(per_year, milestones, headline["killed"]), t=t)
