"""The Global Terrorism Database (START) export format: the codebook columns that identify it, its citation and
licence, and the mapping of its rows onto the dashboard's event columns (:func:`map_rows`).

Codebook conventions kept, never imputed: ``iday`` 0 is an unknown day and ``imonth`` 0 an unknown month (the date
shown is the 1st, and ``date_note`` says so); ``-99`` / ``-9`` in a count are unknown, not negative; ``nkill``
includes perpetrators, so it is shown as total deaths; ``specificity`` and ``doubtterr`` are kept as notes beside the
values. A 1991 incident coded "Soviet Union" is in scope when its region is Kazakh.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from components.i18n import N_, Msg
from components.imports import regions as regions_lookup
from components.imports.columns import FORMAT_GTD, allowed
from components.imports.messages import RowMsg
from components.imports.rows import (
    OUTSIDE_KAZAKHSTAN,
    OUTSIDE_PERIOD,
    Column,
    Issues,
    Mapped,
    ScopeRule,
    code,
    col,
    constant,
    count,
    in_period,
    join,
    period_reason,
    slug_id,
    where,
    whole,
)

# Citation and licence text stored with each dataset, so exports can carry them.
CITATION = ("START (National Consortium for the Study of Terrorism and Responses to Terrorism). (2022). "
            "Global Terrorism Database 1970 - 2020 [data file]. https://www.start.umd.edu/gtd")
# The licence and the casualty note are stored in English and translated where shown.
LICENCE = N_("Used under START's terms of use for the Global Terrorism Database (https://www.start.umd.edu/gtd). "
             "Not for redistribution: kept only in this installation's local store, never in the data pack.")
CASUALTY_NOTE = N_("GTD's nkill counts everyone killed, perpetrators included, so it is shown as total deaths, not "
                   "as victims killed; victims killed = nkill - nkillter only where the GTD gives nkillter. nwound "
                   "likewise includes injured perpetrators unless nwoundte separates them.")

# Columns that identify the format (all must be present) and the further columns used when present.
REQUIRED = ("eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude", "longitude",
            "attacktype1_txt", "targtype1_txt", "gname", "nkill", "nwound")
OPTIONAL = ("approxdate", "extended", "resolution", "specificity", "summary", "doubtterr", "alternative_txt",
            "crit1", "crit2", "crit3",
            "nkillter", "nwoundte", "weaptype1_txt", "target1", "scite1", "scite2", "scite3", "dbsource")
ID_COLUMN = "eventid"

# GTD codebook vocabularies and how they map onto the dashboard's.
SPECIFICITY = {
    "1": ("settlement", "GTD specificity 1: point = the town or village of the incident"),
    "2": ("area", "GTD specificity 2: town not located; point = centre of the smallest area known"),
    "3": ("area", "GTD specificity 3: not in a town; point = centre of the smallest area known"),
    "4": ("area", "GTD specificity 4: point = centre of the first-level region"),
    "5": ("area", "GTD specificity 5: no region known; point = centre of the country"),
}
TARGET_TYPES = {
    "Business": "Business", "Government (General)": "Government (General)", "Police": "Police",
    "Military": "Military", "Government (Diplomatic)": "Government (Diplomatic)",
    "Educational Institution": "Educational Institution", "Journalists & Media": "Journalists & Media",
    "Private Citizens & Property": "Private Citizens & Property",
    "Religious Figures/Institutions": "Religious Figures/Institutions",
    "Terrorists/Non-State Militia": "Terrorists/Non-State Militia", "Transportation": "Transportation",
    "Utilities": "Utilities", "Other": "Other", "Unknown": "Unknown",
    # GTD categories the dashboard's vocabulary does not have: "Other" (the GTD name is kept in attack_description).
    "Abortion Related": "Other", "Airports & Aircraft": "Other", "Food or Water Supply": "Other", "Maritime": "Other",
    "NGO": "Other", "Telecommunication": "Other", "Tourists": "Other", "Violent Political Party": "Other",
}
# The GTD includes an incident because its coders judge it terrorism by the GTD's criteria; doubtterr says how
# sure they are. That is the dataset's judgement, not an official classification, and says so.
CLASSIFICATION = {"0": "terrorism by dataset criteria", "1": "disputed", "-9": "terrorism by dataset criteria",
                  "": "terrorism by dataset criteria"}
DOUBT_NOTES = {
    "0": "GTD doubtterr 0: essentially no doubt it is terrorism",
    "1": "GTD doubtterr 1: doubt that it is terrorism",
    "-9": "GTD doubtterr -9: doubt not recorded",
    "": "GTD doubtterr blank: doubt not recorded",
}
CLASSIFICATION_NOTE = "GTD's coding (in the GTD as terrorism), not an official classification"
UNKNOWN_CODES = ("-99", "-9")  # GTD's "unknown" codes in count columns
# GTD's inclusion criteria (crit1-3, 1 = met, 0 = not) and doubtterr map onto the same columns as the curated rows'.
CRITERIA = {"crit1": "crit_aim", "crit2": "crit_audience", "crit3": "crit_outside_warfare"}
YES_NO = {"1": "yes", "0": "no"}
DOUBT = {"1": "yes", "0": "no"}

def record_ids(eventid: pd.Series) -> pd.Series:
    """GTD event ids as text (a spreadsheet's '201201010001.0' -> '201201010001')."""
    return code(eventid)


def map_rows(raw: pd.DataFrame, units: tuple[str, ...]) -> Mapped:
    """Map a chunk of GTD rows onto the event columns; the issues are collected in the order of the codebook's
    fields (id, date, attack, target, doubt, counts)."""
    idx = raw.index
    c = partial(col, raw)
    issues = Issues(idx)
    eventid = record_ids(c("eventid"))
    issues.add(eventid == "", "eventid", Msg("is blank (every GTD row has an eventid)"))
    region, soviet, in_kz = _country(c, units)
    date, precision, date_note, date_bad = _dates(c, issues, idx)
    country = c("country_txt")
    scope: list[ScopeRule] = [
        (~in_kz, OUTSIDE_KAZAKHSTAN, RowMsg(N_("outside Kazakhstan (country_txt '{country}')"), country=country)),
        (in_kz & ~date_bad & ~in_period(date), OUTSIDE_PERIOD, period_reason(date))]
    attack = _attack_and_target(c, issues, idx)
    coding = _coding(c, issues, idx)
    casualties = _casualties(c, issues, idx)
    group = c("gname").where(c("gname") != "", "Unknown")
    frame = pd.DataFrame({
        "event_id": slug_id("gtd-", eventid),
        "date": date, "date_precision": precision, "date_note": date_note,
        "place": c("city"), "region": region,
        **_coordinates(c, idx),
        "event_type": constant("attack", idx),
        **attack,
        "perpetrator_group": group, "perpetrator": group,
        **casualties,
        **coding,
        "summary": c("summary"),
        "source_format": constant(FORMAT_GTD, idx),
        "source_record_id": eventid,
        "source_citations": join([c("scite1"), c("scite2"), c("scite3")], sep=" | "),
    }, index=idx)
    notes = []
    if soviet.any():
        frame["geo_note"] = where(soviet.to_numpy(), "GTD country 'Soviet Union': placed in Kazakhstan by its region",
                                  idx)
        notes.append(Msg.n("{n} row coded 'Soviet Union' was placed in Kazakhstan by its region.",
                           "{n} rows coded 'Soviet Union' were placed in Kazakhstan by their region.",
                           int(soviet.sum())))
    return Mapped(frame, issues, scope, c("provstate"), c("latitude"), c("longitude"), "GTD", notes)


def _country(c: Column, units: tuple[str, ...]) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """(region, mask of rows coded 'Soviet Union' but in a Kazakh region, mask of rows in Kazakhstan)."""
    country_l = c("country_txt").str.lower()
    provstate = c("provstate")
    region = regions_lookup.map_names(provstate.where(provstate != ""), units)
    soviet = (country_l == "soviet union") & region.notna()
    return region, soviet, ((country_l == "kazakhstan") | soviet).to_numpy()


def _dates(c: Column, issues: Issues, idx: pd.Index) -> tuple[pd.Series, pd.Series, pd.Series, np.ndarray]:
    """(date, date_precision, date_note, mask of rows whose date cannot be read) from GTD's iyear, imonth, iday,
    approxdate, extended and resolution."""
    # iday 0 = unknown day, imonth 0 = unknown month (the codebook's convention); blank is unknown too.
    # Years, months and days are whole numbers written in digits (GTD's '2012.0' too; '1e3' is not a year).
    year, year_status = whole(c("iyear"))
    month, month_status = whole(c("imonth"))
    day, day_status = whole(c("iday"))
    bad_year = (year_status != "ok").to_numpy()
    bad_month = ~month_status.isin(["ok", "blank"]).to_numpy() | ~(month.isna() | month.isin(range(13))).to_numpy()
    bad_day = ~day_status.isin(["ok", "blank"]).to_numpy() | ~(day.isna() | day.isin(range(32))).to_numpy()
    issues.add(bad_year, "iyear", RowMsg(N_("'{value}' is not a year"), value=c("iyear")))
    issues.add(bad_month, "imonth", RowMsg(N_("'{value}' is not a month (1-12, or 0 if unknown)"), value=c("imonth")))
    issues.add(bad_day, "iday",
               RowMsg(N_("'{value}' is not a day of the month (1-31, or 0 if unknown)"), value=c("iday")))
    m = month.fillna(0)
    d = day.fillna(0).where(m > 0, 0)
    date = pd.to_datetime(pd.DataFrame({"year": year.where(~bad_year), "month": m.clip(lower=1).where(~bad_month),
                                        "day": d.clip(lower=1).where(~bad_day)}), errors="coerce")
    date = date.astype("datetime64[us]")
    fields_ok = ~(bad_year | bad_month | bad_day)
    not_calendar = fields_ok & date.isna().to_numpy()
    issues.add(not_calendar, "iday", RowMsg(N_("{year}-{month}-{day} is not a calendar date"), year=c("iyear"),
                                            month=c("imonth"), day=c("iday")))
    precision = pd.Series(np.select([m.to_numpy() == 0, d.to_numpy() == 0], ["year", "month"], "day"), index=idx)
    has_approx = (c("approxdate") != "").to_numpy()
    precision = precision.where(~(has_approx & (precision == "day").to_numpy()), "approximate")
    return date, precision, _date_note(c, m, d, idx), ~fields_ok | not_calendar


def _date_note(c: Column, month: pd.Series, day: pd.Series, idx: pd.Index) -> pd.Series:
    """What the GTD says about a date's precision: unknown month or day, approxdate, extended, resolution."""
    approx = c("approxdate")
    return join([
        where((month == 0).to_numpy(), "GTD imonth 0: month and day unknown; the date shown is 1 January", idx),
        where(((month > 0) & (day == 0)).to_numpy(), "GTD iday 0: day unknown; the date shown is the 1st of the month",
              idx),
        where((approx != "").to_numpy(), lambda: "GTD approxdate: '" + approx + "'", idx),
        where((c("extended") == "1").to_numpy(), "GTD extended 1: the incident lasted more than 24 hours", idx),
        where((c("resolution") != "").to_numpy(), lambda: "GTD resolution (end date): " + c("resolution"), idx),
    ])


def _coordinates(c: Column, idx: pd.Index) -> dict[str, pd.Series]:
    """coord_precision, coord_source and precision_note from GTD's specificity."""
    spec = code(c("specificity"))
    coord_precision = spec.map({k: v[0] for k, v in SPECIFICITY.items()}).astype("str")
    precision_note = spec.map({k: v[1] for k, v in SPECIFICITY.items()}).astype("str")
    unknown_spec = (spec != "").to_numpy() & coord_precision.isna().to_numpy()
    if unknown_spec.any():
        precision_note = precision_note.where(~unknown_spec, "GTD specificity '" + spec + "' is not a codebook value")
    precision_note = precision_note.where((spec != "").to_numpy(), "GTD specificity not given")
    return {"coord_precision": coord_precision, "coord_source": constant("GTD latitude/longitude", idx),
            "precision_note": precision_note}


def _attack_and_target(c: Column, issues: Issues, idx: pd.Index) -> dict[str, pd.Series]:
    """attack_type, target_type and attack_description (weapon, the GTD's own target type where the dashboard's
    vocabulary has none, the target)."""
    attack = c("attacktype1_txt").where(c("attacktype1_txt") != "", "Unknown")
    bad_attack = ~attack.isin(allowed("attack_type")).to_numpy()
    issues.add(bad_attack, "attacktype1_txt", RowMsg(N_("'{value}' is not a GTD attack type ({allowed})"),
                                                     value=attack, allowed=", ".join(allowed("attack_type"))))
    target_src = c("targtype1_txt").where(c("targtype1_txt") != "", "Unknown")
    target = target_src.map(TARGET_TYPES).astype("str")
    issues.add(target.isna().to_numpy(), "targtype1_txt",
               RowMsg(N_("'{value}' is not a GTD target type"), value=target_src))
    description = join([attack,
                        where((c("weaptype1_txt") != "").to_numpy(), lambda: "weapon: " + c("weaptype1_txt"), idx),
                        where((target != target_src).to_numpy() & target.notna().to_numpy(),
                              lambda: "GTD target type: " + target_src, idx),
                        where((c("target1") != "").to_numpy(), lambda: "target: " + c("target1"), idx)])
    return {"attack_type": attack, "attack_description": description, "target_type": target}


def _coding(c: Column, issues: Issues, idx: pd.Index) -> dict[str, pd.Series]:
    """classification and its note, the inclusion criteria, doubt_terrorism and doubt_note from GTD's crit1-3,
    doubtterr and alternative_txt."""
    doubt = code(c("doubtterr"))
    classification = doubt.map(CLASSIFICATION).astype("str")
    issues.add(classification.isna().to_numpy(), "doubtterr",
               RowMsg(N_("'{value}' is not a GTD code (0, 1 or -9)"), value=doubt))
    doubt_note = join([doubt.map(DOUBT_NOTES).astype("str"),
                       where(((doubt == "1") & (c("alternative_txt") != "")).to_numpy(),
                             lambda: "GTD alternative: " + c("alternative_txt"), idx)])
    return {"classification": classification, "classification_note": constant(CLASSIFICATION_NOTE, idx),
            **{ours: code(c(gtd)).map(YES_NO).astype("str") for gtd, ours in CRITERIA.items()},
            "inclusion_basis": constant("dataset criteria", idx),
            "doubt_terrorism": doubt.map(DOUBT).astype("str"), "doubt_note": doubt_note}


def _count(s: pd.Series, column: str, issues: Issues) -> tuple[pd.Series, pd.Series]:
    """A GTD count column: (values, note). UNKNOWN_CODES (also written '-99.0') are unknown, not negative: the value
    is blank and the note says which code the GTD gave."""
    values, status = whole(s)
    codes = [float(c) for c in UNKNOWN_CODES]
    coded = ((status == "ok") & values.isin(codes)).to_numpy()
    counts = count(s.where(~coded, ""), column, issues)
    note = where(coded, lambda: f"{column} coded as unknown (" + values.astype("Int64").astype("str") + ")", s.index)
    return counts, note


def _casualties(c: Column, issues: Issues, idx: pd.Index) -> dict[str, pd.Series]:
    """killed, injured, perpetrators_killed, total_deaths and casualty_note from GTD's counts. nkill includes
    perpetrators, so it is the total; victims are known only where nkillter separates them (likewise nwoundte)."""
    counts = {name: _count(c(name), name, issues) for name in ("nkill", "nkillter", "nwound", "nwoundte")}
    (nkill, _), (nkillter, _), (nwound, _), (nwoundte, _) = counts.values()
    separable = (nkill.notna() & nkillter.notna() & (nkill >= nkillter)).fillna(False)
    wound_sep = (nwound.notna() & nwoundte.notna() & (nwound >= nwoundte)).fillna(False)
    casualty_note = join([
        constant("GTD nkill includes perpetrators: shown as total deaths", idx),
        where(separable.to_numpy(), "victims killed = nkill - nkillter", idx),
        where((nkill.notna() & nkillter.notna() & ~separable).fillna(False).to_numpy(),
              "nkillter exceeds nkill: victims killed left blank", idx),
        where((nwound.notna() & ~wound_sep).fillna(False).to_numpy(), "nwound may include perpetrators", idx),
        where(wound_sep.to_numpy(), "injured = nwound - nwoundte", idx),
        *(note for _, note in counts.values()),
    ])
    return {"killed": (nkill - nkillter).where(separable), "injured": (nwound - nwoundte).where(wound_sep, nwound),
            "perpetrators_killed": nkillter, "total_deaths": nkill, "casualty_note": casualty_note}
