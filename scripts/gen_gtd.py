"""Synthetic events in the Global Terrorism Database (GTD) export format, for tests and the import benchmark.

Every value is made up: ids, dates, places, groups, casualty figures, summaries and citations are drawn at random
from small vocabularies (the GTD codebook's category names, and public coordinates of Kazakh cities). No real GTD
row is used or reproduced; every summary says "synthetic". The layout (column names and their coding: iday 0 for an
unknown day, blank nkill for an unknown toll, specificity 1-5, doubtterr -9/0/1, ...) follows the public GTD codebook.

    python -m scripts.gen_gtd 100000 /tmp/gtd_100k.csv [--seed 1] [--xlsx]
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
import pandas as pd

# GTD codebook vocabularies (category names, not data).
ATTACK_TYPES = ["Assassination", "Armed Assault", "Bombing/Explosion", "Hijacking",
                "Hostage Taking (Barricade Incident)", "Hostage Taking (Kidnapping)", "Facility/Infrastructure Attack",
                "Unarmed Assault", "Unknown"]
TARGET_TYPES = ["Business", "Government (General)", "Police", "Military", "Abortion Related", "Airports & Aircraft",
                "Government (Diplomatic)", "Educational Institution", "Food or Water Supply", "Journalists & Media",
                "Maritime", "NGO", "Other", "Private Citizens & Property", "Religious Figures/Institutions",
                "Telecommunication", "Terrorists/Non-State Militia", "Tourists", "Transportation", "Unknown",
                "Utilities", "Violent Political Party"]
WEAPON_TYPES = ["Firearms", "Explosives", "Incendiary", "Melee", "Unknown"]
GROUPS = ["Unknown", "Synthetic Group Alpha", "Synthetic Group Beta", "Synthetic Cell Gamma", "Synthetic Front Delta"]
# (city, latitude, longitude, region spellings a GTD-like file might use)
CITIES = [
    ("Almaty", 43.2389, 76.8897, ["Almaty", "Almaty City", "Alma-Ata"]),
    ("Astana", 51.1694, 71.4491, ["Astana", "Nur-Sultan"]),
    ("Aktobe", 50.2839, 57.1670, ["Aktobe", "Aqtobe", "Aktyubinsk"]),
    ("Atyrau", 47.1167, 51.8833, ["Atyrau", "Guryev"]),
    ("Kulsary", 46.9536, 54.0186, ["Atyrau"]),
    ("Taraz", 42.9000, 71.3667, ["Zhambyl", "Jambyl", "Dzhambul"]),
    ("Shymkent", 42.3417, 69.5901, ["South Kazakhstan", "Shymkent", "Turkistan"]),
    ("Karaganda", 49.8047, 73.1094, ["Karaganda", "Qaraghandy"]),
    ("Zhezkazgan", 47.7833, 67.7667, ["Ulytau", "Karaganda"]),
    ("Kyzylorda", 44.8528, 65.5092, ["Kyzylorda", "Qyzylorda"]),
    ("Aktau", 43.6500, 51.1667, ["Mangystau", "Mangistau"]),
    ("Pavlodar", 52.2833, 76.9667, ["Pavlodar"]),
    ("Oskemen", 49.9483, 82.6275, ["East Kazakhstan"]),
    ("Semey", 50.4111, 80.2275, ["Abai", "East Kazakhstan"]),
    ("Kostanay", 53.2144, 63.6246, ["Kostanay", "Qostanay"]),
    ("Petropavl", 54.8667, 69.1500, ["North Kazakhstan"]),
    ("Oral", 51.2333, 51.3667, ["West Kazakhstan"]),
    ("Kokshetau", 53.2833, 69.3833, ["Akmola", "Aqmola"]),
    ("Taldykorgan", 45.0167, 78.3667, ["Almaty Oblast", "Almaty Province", "Jetisu"]),
]
FOREIGN = [("Kyrgyzstan", "Chuy", "Bishkek", 42.8746, 74.5698),
           ("Uzbekistan", "Tashkent", "Tashkent", 41.2995, 69.2401),
           ("Tajikistan", "Dushanbe", "Dushanbe", 38.5598, 68.7870)]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
COLUMNS = ["eventid", "iyear", "imonth", "iday", "approxdate", "extended", "resolution", "country", "country_txt",
           "region", "region_txt", "provstate", "city", "latitude", "longitude", "specificity", "vicinity", "location",
           "summary", "crit1", "crit2", "crit3", "doubtterr", "alternative", "alternative_txt", "multiple", "success",
           "suicide", "attacktype1", "attacktype1_txt", "targtype1", "targtype1_txt", "target1", "gname", "nperps",
           "weaptype1_txt", "nkill", "nkillus", "nkillter", "nwound", "nwoundus", "nwoundte", "property",
           "ishostkid", "scite1", "scite2", "scite3", "dbsource", "INT_LOG", "INT_IDEO", "INT_MISC", "INT_ANY"]


def _blank_where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = values.astype(object)
    out[mask] = ""
    return out


def generate(n: int, seed: int = 0, foreign_share: float = 0.04, out_of_period_share: float = 0.03) -> pd.DataFrame:
    """``n`` synthetic GTD-format rows as text columns (blank = unknown), vectorised. The helpers draw from one
    random generator in a fixed order, so a seed always gives the same rows."""
    rng = np.random.default_rng(seed)
    dates = _dates(rng, n, out_of_period_share)
    places, home = _places(rng, n, foreign_share)
    attacks = _attacks(rng, n)
    casualties = _casualties(rng, n)
    rownum = np.arange(1, n + 1).astype(str)
    group = np.array(GROUPS)[rng.integers(0, len(GROUPS), n)]
    weapon = np.array(WEAPON_TYPES)[rng.integers(0, len(WEAPON_TYPES), n)]
    summary = np.char.add(np.char.add("Synthetic test incident ", rownum),
                          np.char.add(" in ", home)) + ": generated data, not a real event."
    return pd.DataFrame({
        **dates, **places, **attacks, **casualties,
        "extended": np.zeros(n, dtype=int).astype(str), "resolution": "",
        "region": "7", "region_txt": "Central Asia", "vicinity": "0", "location": "",
        "summary": summary,
        "crit1": "1", "crit2": "1", "crit3": "1",
        "multiple": "0", "success": "1", "suicide": "0",
        "target1": "Synthetic target", "gname": group, "nperps": "-99", "weaptype1_txt": weapon,
        "nkillus": "0", "nwoundus": "0", "property": "-9", "ishostkid": "0",
        "scite1": np.char.add("Synthetic Source, report ", rownum), "scite2": "", "scite3": "",
        "dbsource": "SYNTHETIC", "INT_LOG": "-9", "INT_IDEO": "-9", "INT_MISC": "0", "INT_ANY": "-9",
    }, columns=COLUMNS)


def _dates(rng: np.random.Generator, n: int, out_of_period_share: float) -> dict[str, np.ndarray]:
    """eventid, iyear, imonth, iday (0 = unknown, as in the codebook) and approxdate."""
    year = rng.integers(1991, 2017, n)
    late = rng.random(n) < out_of_period_share
    year[late] = rng.choice([1988, 1990, 2017, 2019], late.sum())
    month = rng.integers(1, 13, n)
    day = rng.integers(1, 29, n)
    no_month = rng.random(n) < 0.02
    no_day = no_month | (rng.random(n) < 0.08)
    month[no_month] = 0
    day[no_day] = 0
    approx = rng.random(n) < 0.04
    approxdate = np.where(approx, np.char.add(np.char.add("around ", np.array(MONTHS)[np.maximum(month, 1) - 1]),
                                              np.char.add(" ", year.astype(str))), "")
    seq = pd.DataFrame({"y": year, "m": month, "d": day}).groupby(["y", "m", "d"]).cumcount().to_numpy() + 1
    eventid = year.astype(np.int64) * 10**8 + month * 10**6 + day * 10**4 + seq % 10000
    return {"eventid": eventid.astype(str), "iyear": year.astype(str), "imonth": month.astype(str),
            "iday": day.astype(str), "approxdate": approxdate}


def _places(rng: np.random.Generator, n: int, foreign_share: float) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """(country, country_txt, provstate, city, latitude, longitude and specificity; the Kazakh city each row was
    drawn from, named in its summary). A few rows lie abroad, a few have no coordinates."""
    city_idx = rng.integers(0, len(CITIES), n)
    names = np.array([c[0] for c in CITIES])
    lats = np.array([c[1] for c in CITIES])
    lons = np.array([c[2] for c in CITIES])
    variant_pick = rng.integers(0, 6, n)
    variants = np.array([[c[3][k % len(c[3])] for k in range(6)] for c in CITIES])
    provstate = variants[city_idx, variant_pick].astype(object)
    provstate[rng.random(n) < 0.01] = "Unknown"
    city = names[city_idx].astype(object)
    lat = lats[city_idx] + rng.normal(0, 0.02, n)
    lon = lons[city_idx] + rng.normal(0, 0.02, n)
    country_txt = np.full(n, "Kazakhstan", dtype=object)
    foreign = rng.random(n) < foreign_share
    f_idx = rng.integers(0, len(FOREIGN), n)
    for k, (ctry, prov, fcity, flat, flon) in enumerate(FOREIGN):
        m = foreign & (f_idx == k)
        country_txt[m], provstate[m], city[m], lat[m], lon[m] = ctry, prov, fcity, flat, flon
    no_coords = rng.random(n) < 0.03
    columns = {"country": np.where(foreign, "999", "78"), "country_txt": country_txt, "provstate": provstate,
               "city": city, "latitude": _blank_where(np.round(lat, 6).astype(str), no_coords),
               "longitude": _blank_where(np.round(lon, 6).astype(str), no_coords),
               "specificity": rng.choice([1, 1, 1, 2, 3, 4, 5], n).astype(str)}
    return columns, names[city_idx]


def _attacks(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """attacktype1, targtype1 (codes and names), doubtterr and, where doubted, the alternative."""
    attack = rng.integers(0, len(ATTACK_TYPES), n)
    target = rng.integers(0, len(TARGET_TYPES), n)
    doubt = rng.choice([0, 0, 0, 1, -9], n)
    return {"attacktype1": (attack + 1).astype(str), "attacktype1_txt": np.array(ATTACK_TYPES)[attack],
            "targtype1": (target + 1).astype(str), "targtype1_txt": np.array(TARGET_TYPES)[target],
            "doubtterr": doubt.astype(str), "alternative": np.where(doubt == 1, "2", ""),
            "alternative_txt": np.where(doubt == 1, "Other Crime Type", "")}


def _casualties(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """nkill, nkillter (at most nkill), nwound and nwoundte (blank), some left blank as unknown."""
    nkill = rng.poisson(1.2, n)
    nkill_blank = rng.random(n) < 0.10
    nkillter = np.minimum(rng.poisson(0.4, n), nkill)
    nkillter_blank = nkill_blank | (rng.random(n) < 0.6)
    nwound = rng.poisson(2.5, n)
    nwound_blank = rng.random(n) < 0.12
    return {"nkill": _blank_where(nkill.astype(str), nkill_blank),
            "nkillter": _blank_where(nkillter.astype(str), nkillter_blank),
            "nwound": _blank_where(nwound.astype(str), nwound_blank), "nwoundte": ""}


def to_csv_bytes(n: int, seed: int = 0, **kwargs) -> bytes:
    buf = io.StringIO()
    generate(n, seed, **kwargs).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def write(n: int, path: str | Path, seed: int = 0, xlsx: bool = False) -> Path:
    path = Path(path)
    df = generate(n, seed)
    if xlsx:
        df.to_excel(path, index=False, engine="openpyxl")
    else:
        df.to_csv(path, index=False)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--xlsx", action="store_true")
    args = ap.parse_args()
    path = write(args.rows, args.out, args.seed, args.xlsx)
    print(f"{args.rows} synthetic GTD-format rows -> {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
