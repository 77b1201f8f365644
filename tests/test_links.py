"""Links are read once: the view and the notice about the link come from the same parse, every bad value falls back
with a notice (never an exception), and a link's words are shown as text (no link, no image, nothing fetched)."""

from __future__ import annotations

import pytest

from components import filters as flt
from tests.conftest import open_app

# What str.isdigit accepts and int() does not, signs, whitespace, fractions, exponents, other scripts' digits.
BAD_YEARS = [
    ["--1991", "2016"], ["¹⁹⁹¹", "2016"], ["2011.5", "2012"], ["1e3", "2016"], ["٢٠١١", "2012"], ["½", "2016"],
    ["-2011", "2012"], ["2011", ""], ["2011"], ["2011", "2012", "2013"], ["1980", "2020"], ["inf", "2016"],
    ["0x7db", "2016"], ["2011", "2O12"],
]
GOOD_YEARS = [(["+2011", "2012"], (2011, 2012)), ([" 2011", "2012 "], (2011, 2012)), (["2016", "2011"], (2011, 2016))]


def _count(at) -> str:
    return next(m.value for m in at.metric if m.label == "Incidents")


def _expected(pack, years: tuple[int, int]) -> str:
    return str(len(flt.Filters(years=years).apply(pack.tables["events"])))


@pytest.mark.parametrize("years", BAD_YEARS, ids=lambda v: "|".join(v))
def test_a_bad_year_range_falls_back_and_the_notice_says_what_is_shown(pack, years):
    at = open_app(None, {"years": years})
    assert not at.exception
    notices = [w.value.replace("\\", "") for w in at.warning]
    assert len(notices) == 1 and "showing 1991-2016" in notices[0]
    assert _count(at) == _expected(pack, (flt.YEAR_MIN, flt.YEAR_MAX)), "the view is what the notice says"
    assert at.slider(key=flt.KEY_YEARS).value == (flt.YEAR_MIN, flt.YEAR_MAX)


@pytest.mark.parametrize("years,read", GOOD_YEARS, ids=lambda v: "|".join(v) if isinstance(v, list) else "")
def test_a_year_written_with_a_sign_or_spaces_is_read_without_a_notice(pack, years, read):
    at = open_app(None, {"years": years})
    assert not at.exception and not at.warning
    assert _count(at) == _expected(pack, read)
    assert at.slider(key=flt.KEY_YEARS).value == read


@pytest.mark.parametrize("value", ["True", "TRUE", " true"])
def test_present_true_in_any_case_opens_presentation_mode_without_a_notice(value):
    at = open_app(None, {"present": value})
    assert not at.exception and not at.warning
    assert not at.title, "a slide, not the overview page"
    assert at.toggle(key="present").value is True


@pytest.mark.parametrize("key,value", [
    ("region", "[Session expired - sign in again](http://attacker.example/login)"),
    ("type", "![t](http://attacker.example/pixel.png)"),
    ("shade", "<img src=x onerror=alert(1)>"),
    ("utm_[x](http://a.example)", "1"),
])
def test_a_link_value_is_echoed_as_text(key, value):
    at = open_app(None, {key: value})
    assert not at.exception
    shown = " ".join(w.value for w in at.warning)
    assert shown, "the bad value gets a notice"
    for ch in "[]()!<>":
        if ch in value:
            assert "\\" + ch in shown, f"{ch!r} is escaped, so markdown shows it as typed"


def test_parse_year_accepts_only_four_ascii_digits():
    assert [flt.parse_year(v) for v in ("2011", " 2011 ", "+2011")] == [2011, 2011, 2011]
    assert all(flt.parse_year(v) is None for v in ("¹⁹⁹¹", "--1991", "2011.5", "1e3", "", "٢٠١١", "20111"))


def test_the_parse_keeps_what_it_honours_in_canonical_form(vocab=None):
    vocab = {flt.KEY_REGIONS: ("Almaty",)}
    clean, notices = flt.parse_link({"years": ["+2016", " 2011"], "region": ["Almaty", "Atlantis"],
                                     "present": ["True"], "bogus": ["1"]}, vocab, {"present": ("true", "false")})
    assert clean == {"years": ["2011", "2016"], "region": ["Almaty"], "present": ["true"]}
    assert len(notices) == 2 and "'Atlantis'" in notices[0] and "'bogus'" in notices[1]


def test_the_menu_links_carry_the_filters_to_every_page():
    """Each page link in the sidebar carries the filters as set (defaults left out), so the page it opens shows the
    same view and its address names it at once."""
    from urllib.parse import parse_qs

    from tests.conftest import open_app

    query = {"region": "Jambyl Region", "years": ["2011", "2016"], "kind": ["attack"]}
    at = open_app(None, query)
    assert not at.exception
    links = at.get("page_link")
    assert [link.proto.label for link in links] == ["Overview", "Map", "Policy timeline", "Statistics",
                                                    "Sources and data", "Import your data", "Data pack checks"]
    for link in links:
        assert parse_qs(link.proto.query_string) == {"region": ["Jambyl Region"], "years": ["2011", "2016"],
                                                     "kind": ["attack"]}
    plain = open_app(None, {})
    assert {link.proto.query_string for link in plain.get("page_link")} == {""}
