"""What every view model starts from: the incidents in a filter, and the filter's years in words."""

from __future__ import annotations

import pandas as pd

from components.filters import RECORD_ONLY_COLUMNS, Filters
from components.pack.load import DataPack

DASH = "\u2013"


def events_in(pack: DataPack, filters: Filters) -> pd.DataFrame:
    """The incidents of ``pack`` in ``filters``, without the long texts no view shows (RECORD_ONLY_COLUMNS): the
    one filtering every view, slide and briefing pack uses (the app caches its result per filter)."""
    events = pack.tables["events"]
    return filters.apply(events.drop(columns=[c for c in RECORD_ONLY_COLUMNS if c in events]))


def span(years: tuple[int, int]) -> str:
    """'2011' or '2011–2016'."""
    return str(years[0]) if years[0] == years[1] else f"{years[0]}{DASH}{years[1]}"
