"""Region names as other datasets write them -> the 16 first-level units of 2016 (``data/regions.csv``).

GTD (``provstate``) and ACLED (``admin1``) spell regions in many ways: transliterations (Zhambyl / Jambyl / Dzhambul),
Soviet-era names (Aktyubinsk, Guryev, Chimkent), post-2018 units that did not exist in 2016 (Turkistan, Shymkent
city, and the 2022 regions Abai, Jetisu, Ulytau) and the capital's names (Akmola, Astana, Nur-Sultan). Each is looked
up in the 2016 structure: a later unit maps to the 2016 unit that contained it. Names that cannot be placed in one
2016 unit (e.g. the Turgay or Kokchetav oblasts dissolved in 1997 and split between two regions) are not guessed:
``map_names`` leaves them unmapped so the caller can report them.

Pure code: no Streamlit, no pandas beyond mapping a Series.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

# The 16 units of 2016, by their names in regions.csv and the boundary file.
REGIONS_2016: tuple[str, ...] = (
    "Akmola Region", "Aktobe Region", "Almaty Region", "Atyrau Region", "East Kazakhstan Region", "Jambyl Region",
    "Karaganda Region", "Kostanay Region", "Kyzylorda Region", "Mangystau Region", "North Kazakhstan Region",
    "Pavlodar Region", "South Kazakhstan Region", "West Kazakhstan Region", "Astana", "Almaty",
)

# Stems (normalised, without 'region'/'oblast'/'city' words) of oblast names -> 2016 unit.
_OBLAST_STEMS: dict[str, str] = {}
_OBLAST_VARIANTS = {
    "Akmola Region": ["akmola", "aqmola", "akmolinsk", "akmolinskaya", "aqmola oblysy", "tselinograd"],
    "Aktobe Region": ["aktobe", "aqtobe", "aktobe", "aktyubinsk", "aktyubinskaya", "aktjubinsk", "aqtobe oblysy"],
    "Almaty Region": ["almaty", "almatinskaya", "alma ata", "almaty oblysy", "jetisu", "zhetisu", "zhetysu", "jetysu",
                      "zhetisu", "taldykorgan", "taldy kurgan", "taldyqorghan", "semirechye"],
    "Atyrau Region": ["atyrau", "atyrauskaya", "guryev", "gurev", "gurjev", "guriev"],
    "East Kazakhstan Region": ["east kazakhstan", "eastern kazakhstan", "vostochno kazakhstanskaya",
                               "vostochnyy kazakhstan", "shygys qazaqstan", "shyghys qazaqstan", "abai", "abay",
                               "semipalatinsk", "semey"],
    "Jambyl Region": ["jambyl", "zhambyl", "zhambyl", "dzhambul", "dzhambyl", "jambul", "zhambul", "dzhambulskaya",
                      "zhambylskaya"],
    "Karaganda Region": ["karaganda", "karagandy", "qaraghandy", "qaragandy", "karagandinskaya", "ulytau", "ulutau",
                         "zhezkazgan", "dzhezkazgan", "jezkazgan"],
    "Kostanay Region": ["kostanay", "qostanay", "kustanai", "kustanay", "kostanai", "kostanayskaya",
                        "kustanayskaya"],
    "Kyzylorda Region": ["kyzylorda", "qyzylorda", "kzyl orda", "kzylorda", "kyzyl orda", "kyzylordinskaya"],
    "Mangystau Region": ["mangystau", "mangghystau", "mangistau", "mangistauskaya", "mangyshlak",
                         "mangyshlakskaya", "manghystau"],
    "North Kazakhstan Region": ["north kazakhstan", "northern kazakhstan", "severo kazakhstanskaya",
                                "severnyy kazakhstan", "soltustik qazaqstan", "soltustik kazakhstan"],
    "Pavlodar Region": ["pavlodar", "pavlodarskaya"],
    "South Kazakhstan Region": ["south kazakhstan", "southern kazakhstan", "yuzhno kazakhstanskaya",
                                "yuzhnyy kazakhstan", "ontustik qazaqstan", "ontustik kazakhstan", "turkistan",
                                "turkestan", "turkestanskaya", "shymkent", "chimkent", "chimkentskaya"],
    "West Kazakhstan Region": ["west kazakhstan", "western kazakhstan", "zapadno kazakhstanskaya",
                               "zapadnyy kazakhstan", "batys qazaqstan", "batys kazakhstan", "uralsk", "uralskaya",
                               "oral"],
}
for _unit, _stems in _OBLAST_VARIANTS.items():
    for _stem in _stems:
        _OBLAST_STEMS[_stem] = _unit

# Stems of city names -> 2016 unit. Shymkent became a city of republican significance only in 2018: in 2016 it was
# part of South Kazakhstan Region. Akmola/Tselinograd were the capital's names before 1998/1992.
_CITY_STEMS: dict[str, str] = {
    "almaty": "Almaty", "alma ata": "Almaty", "almaaty": "Almaty",
    "astana": "Astana", "nur sultan": "Astana", "nursultan": "Astana", "akmola": "Astana", "aqmola": "Astana",
    "tselinograd": "Astana",
    "shymkent": "South Kazakhstan Region", "chimkent": "South Kazakhstan Region",
}
# A bare name (no 'region' or 'city' word) that names a city of republican significance is that city: the dashboard's
# own unit is called plainly "Almaty" / "Astana". Every other bare name is an oblast (GTD writes "Akmola" for the
# oblast, "Shymkent" for the city, both in the 2016 South Kazakhstan Region).
_BARE_CITIES: dict[str, str] = {
    "almaty": "Almaty", "alma ata": "Almaty", "almaaty": "Almaty", "astana": "Astana", "nur sultan": "Astana",
    "nursultan": "Astana", "tselinograd": "Astana",
}

_REGION_WORDS = ("region", "oblast", "oblys", "oblysy", "province", "provence", "obl", "oblast'", "state", "area",
                 "district")
_CITY_WORDS = ("city", "qalasy", "kalasy", "shahary", "shaary", "gorod", "g")
_UNKNOWN = {"", "unknown", "unk", "n/a", "na", "none", "not known", "-"}


# Russian and Kazakh Cyrillic -> the Latin spellings above (e.g. "Алматинская область" -> "almatinskaya oblast").
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f",
     "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "a", "g", "k", "n", "o", "u", "u", "h", "i"],
    strict=True))


def plain(name: str) -> str:
    """Lower-case ASCII words: Cyrillic transliterated, accents and apostrophes dropped, punctuation as spaces."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in name.lower())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("'", "").replace("\u2019", "").replace("`", "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def normalise(name: str) -> tuple[str, str | None]:
    """(stem, kind) of a region name: kind is 'region', 'city' or None (a bare name).

    'Almaty Oblast' -> ('almaty', 'region'); 'City of Almaty', 'Almaty City', 'g. Almaty' -> ('almaty', 'city');
    'Nur-Sultan' -> ('nur sultan', None).
    """
    words = plain(name).split()
    kind: str | None = None
    while words and words[-1] in _REGION_WORDS + _CITY_WORDS:
        kind = kind or ("city" if words[-1] in _CITY_WORDS else "region")
        words.pop()
    if words[:2] == ["city", "of"]:
        kind, words = "city", words[2:]
    while words and words[0] in ("city", "g", "gorod"):
        kind, words = "city", words[1:]
    return " ".join(words), kind


def lookup(name: object, units: Iterable[str] = REGIONS_2016) -> str | None:
    """The 2016 unit for one name, or None when it does not map (blank, 'Unknown', or not recognised)."""
    if name is None or (isinstance(name, float) and pd.isna(name)) or name is pd.NA:
        return None
    text = str(name).strip()
    units = tuple(units)
    exact = {u.lower(): u for u in units}
    if text.lower() in exact:
        return exact[text.lower()]
    if plain(text) in _UNKNOWN:
        return None
    stem, kind = normalise(text)
    if not stem:
        return None
    if kind == "city":
        unit = _CITY_STEMS.get(stem) or _OBLAST_STEMS.get(stem)
    elif kind == "region":
        unit = _OBLAST_STEMS.get(stem) or _CITY_STEMS.get(stem)
    else:
        unit = _BARE_CITIES.get(stem) or _OBLAST_STEMS.get(stem) or _CITY_STEMS.get(stem)
    return unit if unit in units else None


def is_unknown(name: object) -> bool:
    """True for a blank or explicit 'Unknown' region name (not reported as an unmapped spelling)."""
    if name is None or name is pd.NA or (isinstance(name, float) and pd.isna(name)):
        return True
    return plain(str(name)) in _UNKNOWN


def map_names(names: pd.Series, units: Iterable[str] = REGIONS_2016) -> pd.Series:
    """Vectorised lookup: each distinct name is looked up once. Unmapped names give <NA>."""
    units = tuple(units)
    distinct = pd.unique(names.dropna())
    table = {n: lookup(n, units) for n in distinct}
    return names.map(table).astype("str")
