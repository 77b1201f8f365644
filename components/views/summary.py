"""Headline figures for a set of incidents, with unknowns counted and shown, never summed as zero. Pure code."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.i18n import ENGLISH, N_, Translator

# column: (words in a sentence, full description, short label for a tile)
MEASURES = {
    "killed": ("victims killed", "Victims killed, excluding perpetrators", "Victims killed"),
    "injured": ("injured", "People injured", "Injured"),
    "perpetrators_killed": ("perpetrators killed", "Perpetrators or suspects killed", "Perpetrators killed"),
}


@dataclass(frozen=True)
class Figure:
    """A sum over incidents where some figures may be unknown."""

    column: str
    known_sum: int
    n_known: int
    n_unknown: int

    @property
    def label(self) -> str:
        return MEASURES[self.column][0]

    @property
    def value_text(self) -> str:
        """'42', 'at least 42', or 'unknown'."""
        if self.n_known == 0:
            return "unknown" if self.n_unknown else "0"
        return f"at least {self.known_sum}" if self.n_unknown else str(self.known_sum)

    @property
    def unknown_text(self) -> str:
        """'3 incidents with no figure' (empty when every figure is known)."""
        if not self.n_unknown:
            return ""
        return f"{self.n_unknown} incident{'s' if self.n_unknown != 1 else ''} with no figure"

    def sentence(self, t: Translator = ENGLISH) -> str:
        """'at least 42 victims killed; 3 incidents with no figure' (in the translator's language)."""
        value = _value_text(self, t)
        text = {"killed": t("{value} victims killed"), "injured": t("{value} injured"),
                "perpetrators_killed": t("{value} perpetrators killed")}[self.column].format(value=value)
        unknown = _unknown_text(self, t)
        return t("{figure}; {unknown}").format(figure=text, unknown=unknown) if unknown else text


def figure(events: pd.DataFrame, column: str) -> Figure:
    values = events[column]
    n_known = int(values.count())  # the sum skips the unknowns, which are counted apart (no copy of the known)
    return Figure(column, int(values.sum()) if n_known else 0, n_known, len(values) - n_known)


def headline(events: pd.DataFrame) -> dict[str, Figure]:
    return {col: figure(events, col) for col in MEASURES}


@dataclass(frozen=True)
class Tile:
    """One headline figure as every view shows it (page, slide, briefing pack): label, value as stated, the note
    under it (what is unknown), and the help text."""

    label: str
    value: str
    note: str
    help: str


ALL_KNOWN = "every incident has a figure"


def kinds_text(events: pd.DataFrame, t: Translator = ENGLISH) -> str:
    """'attack: 12; security operation: 15; premature or accidental explosion: 4' (kinds present only, by their
    labels in the translator's language)."""
    counts = events["event_type"].value_counts()
    counts = counts[counts > 0]  # a categorical column also counts its unused categories
    return "; ".join(f"{t.value('event_type', k)}: {int(v)}" for k, v in counts.items())


def tiles(events: pd.DataFrame, t: Translator = ENGLISH) -> list[Tile]:
    """The four headline tiles: incidents (with their kinds), then victims killed, injured and perpetrators killed
    as sums of the known figures with the incidents that have none counted apart (in the translator's language)."""
    out = [Tile(t("Incidents"), str(len(events)), kinds_text(events, t),
                t("Attacks, security operations and premature explosions in the filter. See 'Incident kind' in the "
                  "sidebar."))]
    labels = {"killed": (t("Victims killed"), t("Victims killed, excluding perpetrators")),
              "injured": (t("Injured"), t("People injured")),
              "perpetrators_killed": (t("Perpetrators killed"), t("Perpetrators or suspects killed"))}
    for col, fig in headline(events).items():
        label, described = labels[col]
        out.append(Tile(label, _value_text(fig, t), _unknown_text(fig, t) or t("every incident has a figure"),
                        described + t(". Sum of the figures the sources give; incidents with no figure are counted "
                                      "below, not added as 0.")))
    return out


def _value_text(fig: Figure, t: Translator) -> str:
    """'42', 'at least 42', or 'unknown', in the translator's language."""
    if fig.n_known == 0:
        return t("unknown") if fig.n_unknown else "0"
    return t("at least {n}").format(n=fig.known_sum) if fig.n_unknown else str(fig.known_sum)


def _unknown_text(fig: Figure, t: Translator) -> str:
    if not fig.n_unknown:
        return ""
    return t.n("{n} incident with no figure", "{n} incidents with no figure", fig.n_unknown)


def disputed_count(events: pd.DataFrame) -> int:
    """Incidents whose figures or facts the sources disagree on."""
    return int(events["disagreements"].notna().sum())


BASIS_ORDER = ("terrorism criteria", "official classification", "security operation", "premature explosion",
               "official version dropped", "dataset criteria")
# What the incident table covers (marked for the catalogue: shown with t(COVERAGE)).
COVERAGE = N_("The incident table holds every incident in public reporting that meets its inclusion criteria: violence "
              "by non-state actors with a political, economic, religious or social aim meant to reach a wider audience "
              "(the GTD's criteria), violence the authorities classified as terrorism or extremism, security "
              "operations against armed groups, premature explosions, and incidents first called terrorism officially "
              "and later not. Figures are as reported, with the other values sources give kept beside them. Not "
              "included: foiled plots with arrests only (on the policy timeline as context), ordinary crime, and "
              "unrest or riots with no terrorist aim.")


def basis_counts(events: pd.DataFrame) -> list[tuple[str, int]]:
    """(why included, incidents) in the criteria's order, only those present; and unknown basis last."""
    if "inclusion_basis" not in events:
        return []
    # counted on the column as it is (text or categorical: no copy into Python objects), blanks as 'not recorded'
    counts = {("not recorded" if pd.isna(b) else str(b)): int(n)
              for b, n in events["inclusion_basis"].value_counts(dropna=False).items() if n > 0}
    order = [b for b in BASIS_ORDER if b in counts] + sorted(set(counts) - set(BASIS_ORDER))
    return [(b, counts[b]) for b in order]


def coverage_text(events: pd.DataFrame, t: Translator = ENGLISH) -> str:
    """'Of these 31 incidents: 20 by the terrorism criteria, 8 security operations, ...; 9 with doubt that they
    are terrorism.' Computed from the rows in the view, in the translator's language."""
    parts = [_basis_part(b, n, t) for b, n in basis_counts(events)]
    if not parts:
        return ""
    doubt = int(events["doubt_terrorism"].eq("yes").sum()) if "doubt_terrorism" in events else 0
    return t("Of these {n} incidents: {parts}; {doubt}.").format(
        n=t.number(len(events)), parts=", ".join(parts),
        doubt=t.n("{n} with doubt that it is terrorism", "{n} with doubt that they are terrorism", doubt))


def _basis_part(basis: str, n: int, t: Translator) -> str:
    """'20 by the terrorism criteria', '1 security operation'; a basis the criteria do not name, as it is."""
    if basis == "terrorism criteria":
        return t.n("{n} by the terrorism criteria", "{n} by the terrorism criteria", n)
    if basis == "official classification":
        return t.n("{n} classified as terrorism or extremism by officials, criteria not established",
                   "{n} classified as terrorism or extremism by officials, criteria not established", n)
    if basis == "security operation":
        return t.n("{n} security operation", "{n} security operations", n)
    if basis == "premature explosion":
        return t.n("{n} premature explosion", "{n} premature explosions", n)
    if basis == "official version dropped":
        return t.n("{n} first called terrorism officially, later not",
                   "{n} first called terrorism officially, later not", n)
    if basis == "dataset criteria":
        return t.n("{n} imported, by their dataset's criteria", "{n} imported, by their dataset's criteria", n)
    return f"{t.number(n)} {t.value('inclusion_basis', basis)}"


def per_year(events: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """Incidents and victims per year over the whole range (years without incidents appear with 0 incidents),
    with the count of incidents whose victim figure is unknown."""
    index = pd.RangeIndex(years[0], years[1] + 1, name="year")
    # grouped by the year array itself, over the three columns used (not a copy of every column with a year added)
    year = events["date"].dt.year.rename("year")
    counts = pd.DataFrame({"killed": events["killed"], "injured": events["injured"],
                           "killed_unknown": events["killed"].isna(), "injured_unknown": events["injured"].isna()})
    by_year = counts.groupby(year)
    sums = by_year.sum(min_count=0)
    out = pd.DataFrame(index=index)
    out["incidents"] = by_year.size().reindex(index, fill_value=0).astype(int)
    out["killed_known"] = sums["killed"].reindex(index, fill_value=0).astype(int)
    out["killed_unknown"] = sums["killed_unknown"].reindex(index, fill_value=0).astype(int)
    out["injured_known"] = sums["injured"].reindex(index, fill_value=0).astype(int)
    out["injured_unknown"] = sums["injured_unknown"].reindex(index, fill_value=0).astype(int)
    return out.reset_index()


def display_counts(df: pd.DataFrame, columns=("killed", "injured", "perpetrators_killed", "total_deaths"),
                   t: Translator = ENGLISH) -> pd.DataFrame:
    """A copy for display where unknown counts read 'unknown' (a table would otherwise show 'None' or blank), in the
    translator's language."""
    out = df.copy()
    unknown = t("unknown")
    for col in columns:
        if col in out:
            out[col] = out[col].map(lambda v: unknown if pd.isna(v) else str(int(v))).astype("str")
    return out
