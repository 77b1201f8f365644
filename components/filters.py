"""The shared filters: their state, applying them to the incidents, and stating them in words. Pure code."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from components.i18n import ENGLISH, Translator

YEAR_MIN, YEAR_MAX = 1991, 2016

# URL parameter (and widget key) of each filter. Short, stable: they appear in shared links.
KEY_YEARS = "years"
KEY_REGIONS = "region"
KEY_ATTACK_TYPES = "type"
KEY_EVENT_TYPES = "kind"
KEY_CLASSIFICATIONS = "class"
KEY_PERPETRATORS = "perp"
FILTER_KEYS = (KEY_YEARS, KEY_REGIONS, KEY_ATTACK_TYPES, KEY_EVENT_TYPES, KEY_CLASSIFICATIONS, KEY_PERPETRATORS)

# Long texts of one row each, shown only in an incident's record (which reads the whole table) and written by the
# CSV/zip exports (which filter the whole table themselves). Views and the briefing pack filter the incidents
# without them: with a million imported rows they are half of every filtered copy.
RECORD_ONLY_COLUMNS = ("summary", "source_citations", "source_record_id")


@dataclass(frozen=True)
class Filters:
    """What the user asked to see. Empty region / attack-type / perpetrator lists mean 'all'; classifications and
    event types list what is included (all of them by default)."""

    years: tuple[int, int] = (YEAR_MIN, YEAR_MAX)
    regions: tuple[str, ...] = ()
    attack_types: tuple[str, ...] = ()
    event_types: tuple[str, ...] | None = None  # None: all
    classifications: tuple[str, ...] | None = None  # None: all
    perpetrators: tuple[str, ...] = ()
    vocab: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_values(cls, values: Mapping[str, object], vocab: Mapping[str, tuple[str, ...]] | None = None) -> Filters:
        """Build from widget values keyed by the URL keys; missing keys take the defaults."""
        years = values.get(KEY_YEARS) or (YEAR_MIN, YEAR_MAX)
        lo, hi = sorted((int(years[0]), int(years[1])))  # type: ignore[index]

        def tup(key: str) -> tuple[str, ...]:
            return tuple(values.get(key) or ())  # type: ignore[arg-type]

        def included(key: str) -> tuple[str, ...] | None:
            return None if values.get(key) is None else tup(key)

        return cls(years=(max(lo, YEAR_MIN), min(hi, YEAR_MAX)), regions=tup(KEY_REGIONS),
                   attack_types=tup(KEY_ATTACK_TYPES), event_types=included(KEY_EVENT_TYPES),
                   classifications=included(KEY_CLASSIFICATIONS), perpetrators=tup(KEY_PERPETRATORS),
                   vocab=dict(vocab or {}))

    def key(self) -> tuple:
        """A hashable summary of the selection (for caching views per filter)."""
        return (self.years, self.regions, self.attack_types, self.event_types, self.classifications,
                self.perpetrators)

    @classmethod
    def from_key(cls, key: tuple, vocab: Mapping[str, tuple[str, ...]] | None = None) -> Filters:
        years, regions, attack_types, event_types, classifications, perpetrators = key
        return cls(years=years, regions=regions, attack_types=attack_types, event_types=event_types,
                   classifications=classifications, perpetrators=perpetrators, vocab=dict(vocab or {}))

    def is_default(self) -> bool:
        return self == Filters()  # vocab is not compared

    # -------------------------------------------------------------- applying
    def mask(self, events: pd.DataFrame) -> pd.Series:
        years = events["date"].dt.year
        m = years.between(*self.years)
        if self.regions:
            m &= events["region"].isin(self.regions)
        if self.attack_types:
            m &= events["attack_type"].isin(self.attack_types)
        if self.event_types is not None:
            m &= events["event_type"].isin(self.event_types)
        if self.classifications is not None:
            m &= events["classification"].isin(self.classifications)
        if self.perpetrators:
            m &= events["perpetrator_group"].isin(self.perpetrators)
        return m.fillna(False).astype(bool)

    def apply(self, events: pd.DataFrame) -> pd.DataFrame:
        """The incidents in the filter. When every row is in it, the table itself (not a copy: with a million
        imported rows a copy costs hundreds of MB on every rerun); callers treat the result as read-only."""
        mask = self.mask(events)
        return events if bool(mask.all()) else events[mask]

    def apply_years(self, df: pd.DataFrame, column: str = "date") -> pd.DataFrame:
        """Rows of a dated table (policies, bans) within the year range; the other filters concern incidents."""
        return df[df[column].dt.year.between(*self.years)]

    # -------------------------------------------------------------- words
    def describe(self, n_incidents: int | None = None, t: Translator = ENGLISH) -> str:
        """The filter in words, e.g. 'Jambyl Region, 2011-2016: 1 incident' (in the translator's language)."""
        def labels(column: str, values: Iterable[str]) -> list[str]:
            return [str(t.value(column, v)) for v in values]

        place = _join(labels("region", self.regions), t) if self.regions else t("All Kazakhstan")
        lo, hi = self.years
        span = str(lo) if lo == hi else f"{lo}-{hi}"
        parts = [f"{place}, {span}"]
        if self.attack_types:
            parts.append(t("attack type {types}").format(types=_join(labels("attack_type", self.attack_types), t)))
        if self.perpetrators:
            parts.append(t("perpetrator {names}").format(names=_join(labels("perpetrator_group", self.perpetrators), t)))
        for chosen, key, column, none in (
                (self.event_types, KEY_EVENT_TYPES, "event_type", t("no incidents category selected")),
                (self.classifications, KEY_CLASSIFICATIONS, "classification", t("no classified category selected"))):
            if chosen is None or set(chosen) >= set(self.vocab.get(key, chosen)):
                continue
            parts.append(t("only {items}").format(items=_join(labels(column, chosen), t)) if chosen else none)
        text = "; ".join(parts)
        if n_incidents is not None:
            text += ": " + t.n("{n} incident", "{n} incidents", n_incidents)
        return text


def _join(items: Iterable[str], t: Translator = ENGLISH) -> str:
    items = [str(i) for i in items]
    last = t(" and ")
    if len(items) <= 2:
        return last.join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def vocabulary(events: pd.DataFrame, regions: pd.DataFrame, metadata: dict) -> dict[str, tuple[str, ...]]:
    """Options of every filter: allowed values from the data dictionary, regions from the regions table,
    perpetrators from the incidents (most frequent first, then by name)."""
    cols = metadata["tables"]["events"]["columns"]
    perps = events["perpetrator_group"].value_counts()
    perps = perps[perps > 0]  # a categorical column also counts its unused categories
    perps = sorted(perps.index, key=lambda p: (-perps[p], p))
    return {
        KEY_REGIONS: tuple(sorted(regions["region"])),
        KEY_ATTACK_TYPES: tuple(cols["attack_type"]["values"]),
        KEY_EVENT_TYPES: tuple(cols["event_type"]["values"]),
        KEY_CLASSIFICATIONS: tuple(cols["classification"]["values"]),
        KEY_PERPETRATORS: tuple(perps),
    }


YEAR_RE = re.compile(r"\s*\+?([0-9]{4})\s*")  # ASCII digits only: str.isdigit accepts '¹⁹⁹¹', int() does not


def parse_year(value: str) -> int | None:
    """A year as a link may write it ('2011', ' 2011', '+2011'); None for anything else ('2011.5', '--1991',
    '¹⁹⁹¹', '1e3', '')."""
    m = YEAR_RE.fullmatch(value)
    return int(m.group(1)) if m else None


def parse_link(raw: Mapping[str, list[str]], vocab: Mapping[str, tuple[str, ...]],
               page_keys: Mapping[str, tuple[str, ...] | None]) -> tuple[dict[str, list[str]], list[str]]:
    """The one reading of a link's parameters: (what the view honours, in canonical form; a notice for each part
    that cannot be honoured). Values the view does not honour are left out of the first, so that nothing else
    (a bound widget) can read them another way. Notices are plain text; escape them before rendering.

    ``raw`` maps each parameter to its values as given; ``page_keys`` are the other known parameters with their
    allowed values (None: any value), matched without regard to case."""
    clean: dict[str, list[str]] = {}
    notices: list[str] = []
    for key, values in raw.items():
        if key == KEY_YEARS:
            years = [parse_year(v) for v in values]
            ok = len(years) == 2 and None not in years
            if ok:
                lo, hi = sorted(years)  # type: ignore[type-var]
                ok = YEAR_MIN <= lo and hi <= YEAR_MAX
            if ok:
                clean[key] = [str(lo), str(hi)]
            else:
                notices.append(f"The link's year range {', '.join(values) or '(empty)'} is not two years within "
                               f"{YEAR_MIN}-{YEAR_MAX}; showing {YEAR_MIN}-{YEAR_MAX}.")
        elif key in vocab:
            good = [v for v in values if v in vocab[key]]
            bad = [v for v in values if v not in vocab[key]]
            if bad:
                notices.append(f"The link names unknown value(s) for '{key}': {', '.join(repr(b) for b in bad)}; "
                               "they were ignored.")
            if good or not bad:
                clean[key] = good
        elif key in page_keys:
            allowed = page_keys[key]
            if allowed is None:
                clean[key] = list(values)
                continue
            by_lower = {a.lower(): a for a in allowed}
            good = [by_lower[v.strip().lower()] for v in values if v.strip().lower() in by_lower]
            if len(good) == len(values) and good:
                clean[key] = good[-1:]
            else:
                notices.append(f"The link's value {', '.join(repr(v) for v in values)} for '{key}' is not one of "
                               f"{', '.join(allowed)}; the default is shown.")
        else:
            notices.append(f"The link parameter '{key}' is not one this dashboard uses; it was ignored.")
    return clean, notices


def url_problems(raw: Mapping[str, list[str]], vocab: Mapping[str, tuple[str, ...]],
                 page_keys: Mapping[str, tuple[str, ...] | None]) -> list[str]:
    """The notices of ``parse_link`` alone."""
    return parse_link(raw, vocab, page_keys)[1]


# The perpetrator list offers at most this many groups (the most frequent) plus every group of the curated data: a
# large imported dataset can name tens of thousands, more than a drop-down can usefully hold or send on each rerun.
PERPETRATOR_OPTIONS = 500


def perpetrator_offer(events: pd.DataFrame, perpetrators: tuple[str, ...],
                      limit: int = PERPETRATOR_OPTIONS) -> tuple[str, ...]:
    """The groups the perpetrator filter offers: all of ``perpetrators`` (most frequent first), or beyond ``limit``
    the first ``limit`` and every group named by a curated incident."""
    if len(perpetrators) <= limit:
        return perpetrators
    curated = events["perpetrator_group"]
    if "source_format" in events:
        curated = curated[events["source_format"].astype(object) == "curated"]
    keep = set(perpetrators[:limit]) | set(curated.dropna().astype(str))
    return tuple(p for p in perpetrators if p in keep)
