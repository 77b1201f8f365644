"""The ACLED export format: the columns that identify it, its citation and licence, and the mapping of its rows onto
the dashboard's event columns (:func:`map_rows`).

ACLED records all political violence and protest, so events that are not incidents of violence (peaceful protests,
arrests, agreements) are out of scope; ACLED does not classify events as terrorism, and the mapping says so.
``time_precision`` and ``geo_precision`` are kept as notes beside the values; fatalities include perpetrators, so
they are shown as total deaths.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from components.i18n import N_, Msg
from components.imports import regions as regions_lookup
from components.imports.columns import FORMAT_ACLED
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
    parse_dates,
    period_reason,
    slug_id,
    where,
)

# Citation and licence text stored with each dataset, so exports can carry them.
CITATION = "Armed Conflict Location & Event Data Project (ACLED); www.acleddata.com"
# The licence and the casualty note are stored in English and translated where shown.
LICENCE = N_("Used under ACLED's terms of use (www.acleddata.com). Not for redistribution: kept only in this "
             "installation's local store, never in the data pack.")
CASUALTY_NOTE = N_("ACLED's fatalities count everyone reported killed, perpetrators included, so they are shown "
                   "as total deaths, not as victims killed.")

# Columns that identify the format (all must be present) and the further columns used when present.
REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "admin1", "location", "latitude",
            "longitude", "fatalities")
OPTIONAL = ("time_precision", "sub_event_type", "geo_precision", "notes", "source", "source_scale", "country",
            "assoc_actor_1", "actor2", "assoc_actor_2", "inter2", "admin2", "admin3", "disorder_type")
ID_COLUMN = "event_id_cnty"

TIME_PRECISION = {
    "1": ("day", "ACLED time_precision 1: the source gives the day"),
    "2": ("approximate", "ACLED time_precision 2: only the week or a few days are known"),
    "3": ("month", "ACLED time_precision 3: only the month is known; ACLED dates the event within it"),
}
GEO_PRECISION = {
    "1": ("settlement", "ACLED geo_precision 1: point = the named town or village"),
    "2": ("area", "ACLED geo_precision 2: near the named place or in part of a region; point = that place"),
    "3": ("area", "ACLED geo_precision 3: only a larger region is known; point = its centre or main town"),
}
ATTACK_TYPES = {
    "Armed clash": "Armed Assault", "Government regains territory": "Armed Assault",
    "Non-state actor overtakes territory": "Armed Assault", "Suicide bomb": "Bombing/Explosion",
    "Remote explosive/landmine/IED": "Bombing/Explosion", "Grenade": "Bombing/Explosion",
    "Shelling/artillery/missile attack": "Bombing/Explosion", "Air/drone strike": "Bombing/Explosion",
    "Abduction/forced disappearance": "Hostage Taking (Kidnapping)",
    "Looting/property destruction": "Facility/Infrastructure Attack",
}
# ACLED event types that are not incidents of violence (peaceful protests, arrests, agreements, ...): out of scope.
VIOLENT_EVENT_TYPES = ("battles", "explosions/remote violence", "violence against civilians", "riots")
VIOLENT_SUB_EVENTS = ("excessive force against protesters", "excessive force against protestors",
                      "looting/property destruction")
CLASSIFICATION = "not classified as terrorism"
CLASSIFICATION_NOTE = "ACLED does not classify events as terrorism; official classification not given"
NOT_VIOLENT = N_("not an incident of violence")  # the kind of out-of-scope rows
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y", "%d-%m-%Y",
                "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d")

def map_rows(raw: pd.DataFrame, units: tuple[str, ...]) -> Mapped:
    """Map a chunk of ACLED rows onto the event columns: scope (country, period, violence) first, then the columns;
    the issues are collected in the order id, date, time precision, fatalities."""
    idx = raw.index
    c = partial(col, raw)
    issues = Issues(idx)
    notes: list[Msg] = []
    rid = c("event_id_cnty")
    issues.add(rid == "", "event_id_cnty", Msg("is blank (every ACLED row has an event_id_cnty)"))
    in_kz = _in_kazakhstan(raw, notes)
    date, precision, date_note, date_bad = _dates(c, issues, idx)
    scope = _scope(c, in_kz, date, date_bad)
    admin1 = c("admin1")
    frame = pd.DataFrame({
        "event_id": slug_id("acled-", rid),
        "date": date, "date_precision": precision, "date_note": date_note,
        "place": c("location"),
        "region": regions_lookup.map_names(admin1.where(admin1 != ""), units),
        **_coordinates(c, idx),
        **_attack(c, idx),
        **_parties(c, idx),
        "total_deaths": count(c("fatalities"), "fatalities", issues),
        "classification": constant(CLASSIFICATION, idx),
        "classification_note": constant(CLASSIFICATION_NOTE, idx),
        "summary": c("notes"),
        "source_format": constant(FORMAT_ACLED, idx),
        "source_record_id": rid,
        "casualty_note": constant("ACLED fatalities include perpetrators: shown as total deaths", idx),
        "source_citations": join([c("source"), where((c("source_scale") != "").to_numpy(),
                                                     lambda: "scale: " + c("source_scale"), idx)]),
    }, index=idx)
    return Mapped(frame, issues, scope, admin1, c("latitude"), c("longitude"), "ACLED", notes)


def _in_kazakhstan(raw: pd.DataFrame, notes: list[Msg]) -> np.ndarray:
    """Rows whose country is Kazakhstan; every row when the file has no country column (and a note says so)."""
    if "country" in raw:
        return (raw["country"].str.lower() == "kazakhstan").to_numpy()
    notes.append(Msg("The file has no 'country' column: every row is taken to be in Kazakhstan."))
    return np.ones(len(raw), dtype=bool)


def _dates(c: Column, issues: Issues, idx: pd.Index) -> tuple[pd.Series, pd.Series, pd.Series, np.ndarray]:
    """(date, date_precision, date_note, mask of rows whose date cannot be read) from event_date and
    time_precision (blank: taken as the day)."""
    date = parse_dates(c("event_date"), DATE_FORMATS)
    date_bad = date.isna().to_numpy()
    issues.add(date_bad & (c("event_date") != "").to_numpy(), "event_date",
               RowMsg(N_("'{value}' is not a date (expected e.g. 2012-03-15 or 15 March 2012)"), value=c("event_date")))
    issues.add((c("event_date") == "").to_numpy(), "event_date", Msg("is blank"))
    tp = code(c("time_precision"))
    precision = tp.map({k: v[0] for k, v in TIME_PRECISION.items()}).astype("str")
    issues.add((tp != "").to_numpy() & precision.isna().to_numpy(), "time_precision",
               RowMsg(N_("'{value}' is not an ACLED code (1, 2 or 3)"), value=tp))
    precision = precision.fillna("day").where((tp != "").to_numpy(), "day")
    date_note = join([tp.map({k: v[1] for k, v in TIME_PRECISION.items()}).astype("str"),
                      where((tp == "").to_numpy(), "ACLED time_precision not given: taken as the day", idx)])
    return date, precision, date_note, date_bad


def _scope(c: Column, in_kz: np.ndarray, date: pd.Series, date_bad: np.ndarray) -> list[ScopeRule]:
    """The out-of-scope rules in order: outside Kazakhstan, outside the period, not an incident of violence."""
    etype, sub = c("event_type"), c("sub_event_type")
    outside = in_kz & ~date_bad & ~in_period(date)
    violent = (etype.str.lower().isin(VIOLENT_EVENT_TYPES) | sub.str.lower().isin(VIOLENT_SUB_EVENTS)).to_numpy()
    return [(~in_kz, OUTSIDE_KAZAKHSTAN, RowMsg(N_("outside Kazakhstan (country '{country}')"), country=c("country"))),
            (outside, OUTSIDE_PERIOD, period_reason(date)),
            (in_kz & ~date_bad & ~outside & ~violent, NOT_VIOLENT,
             RowMsg(N_("not an incident of violence (ACLED {event_type}: {sub_event_type})"), event_type=etype,
                    sub_event_type=sub))]


def _coordinates(c: Column, idx: pd.Index) -> dict[str, pd.Series]:
    """coord_precision, coord_source and precision_note from ACLED's geo_precision."""
    gp = code(c("geo_precision"))
    coord_precision = gp.map({k: v[0] for k, v in GEO_PRECISION.items()}).astype("str")
    precision_note = join([
        gp.map({k: v[1] for k, v in GEO_PRECISION.items()}).astype("str"),
        where((gp != "").to_numpy() & coord_precision.isna().to_numpy(),
              lambda: "ACLED geo_precision '" + gp + "' is not a codebook value", idx),
        where((gp == "").to_numpy(), "ACLED geo_precision not given", idx)])
    return {"coord_precision": coord_precision, "coord_source": constant("ACLED latitude/longitude", idx),
            "precision_note": precision_note}


def _attack(c: Column, idx: pd.Index) -> dict[str, pd.Series]:
    """attack_type (from the sub-event type; 'Unknown' where it has no counterpart) and attack_description."""
    etype, sub = c("event_type"), c("sub_event_type")
    description = join([where((etype != "").to_numpy(), lambda: "ACLED " + etype, idx),
                        where((sub != "").to_numpy(), sub, idx)], sep=": ")
    return {"attack_type": sub.map(ATTACK_TYPES).astype("str").fillna("Unknown"), "attack_description": description}


def _parties(c: Column, idx: pd.Index) -> dict[str, pd.Series]:
    """event_type (a security operation when actor1 is the state's forces), target_type (from actor2 and inter2),
    perpetrator_group and perpetrator (actor1, with its associates and the other party)."""
    actor1, actor2 = c("actor1"), c("actor2")
    state = actor1.str.match(r"(?i)^(military|police) forces of ").fillna(False)
    event_type = pd.Series(np.where(state.to_numpy(), "security operation", "attack"), index=idx, dtype="str")
    target = constant("Unknown", idx)
    inter2 = c("inter2").str.lower()
    target = target.mask(inter2.isin(["7", "civilians"]) | actor2.str.match(r"(?i)^civilians").fillna(False),
                         "Private Citizens & Property")
    target = target.mask(inter2.isin(["2", "3", "4", "rebel group", "political militia", "identity militia"]),
                         "Terrorists/Non-State Militia")
    target = target.mask(actor2.str.match(r"(?i)^military forces of ").fillna(False), "Military")
    target = target.mask(actor2.str.match(r"(?i)^police forces of ").fillna(False), "Police")
    assoc = c("assoc_actor_1")
    perpetrator = join([actor1, where((assoc != "").to_numpy(), lambda: "with " + assoc, idx),
                        where((actor2 != "").to_numpy(), lambda: "other party: " + actor2, idx)])
    return {"event_type": event_type, "target_type": target,
            "perpetrator_group": actor1.where(actor1 != "", "Unknown"), "perpetrator": perpetrator}
