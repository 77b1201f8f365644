"""The shared filters: applying them, stating them in words, and judging link parameters."""

from __future__ import annotations

import pytest

from components import filters as flt


@pytest.fixture(scope="module")
def vocab(pack):
    return flt.vocabulary(pack.tables["events"], pack.tables["regions"], pack.metadata)


def test_default_filter_keeps_every_incident(pack, vocab):
    f = flt.Filters.from_values({}, vocab)
    assert f.is_default()
    assert len(f.apply(pack.tables["events"])) == len(pack.tables["events"])
    assert f.describe(23) == "All Kazakhstan, 1991-2016: 23 incidents"


def test_region_and_years_narrow_and_are_stated_in_words(pack, vocab):
    f = flt.Filters.from_values({"years": (2011, 2016), "region": ["Jambyl Region"]}, vocab)
    got = f.apply(pack.tables["events"])
    events = pack.tables["events"]
    expected = events[(events["region"] == "Jambyl Region") & events["date"].dt.year.between(2011, 2016)]
    assert list(got["event_id"]) == list(expected["event_id"]) and len(got) == 1
    assert f.describe(len(got)) == "Jambyl Region, 2011-2016: 1 incident"


def test_classification_and_kind_filters(pack, vocab):
    events = pack.tables["events"]
    official = flt.Filters.from_values({"class": ["officially terrorism"]}, vocab)
    assert set(official.apply(events)["classification"]) == {"officially terrorism"}
    assert "only officially terrorism" in official.describe()
    nothing = flt.Filters.from_values({"class": []}, vocab)
    assert nothing.apply(events).empty and "no classified category selected" in nothing.describe(0)
    attacks = flt.Filters.from_values({"kind": ["attack"]}, vocab)
    assert set(attacks.apply(events)["event_type"]) == {"attack"}


def test_perpetrator_and_attack_type(pack, vocab):
    events = pack.tables["events"]
    f = flt.Filters.from_values({"perp": ["Jund al-Khilafah"], "type": ["Bombing/Explosion"]}, vocab)
    got = f.apply(events)
    assert len(got) == len(events[(events["perpetrator_group"] == "Jund al-Khilafah")
                                  & (events["attack_type"] == "Bombing/Explosion")])
    assert "perpetrator Jund al-Khilafah" in f.describe()


def test_policies_follow_the_year_range(pack):
    f = flt.Filters(years=(2004, 2005))
    rows = f.apply_years(pack.tables["policies"])
    assert not rows.empty and rows["date"].dt.year.between(2004, 2005).all()


def test_several_regions_are_joined_readably():
    f = flt.Filters(regions=("Almaty", "Atyrau Region", "Aktobe Region"), years=(2011, 2011))
    assert f.describe(2) == "Almaty, Atyrau Region and Aktobe Region, 2011: 2 incidents"


@pytest.mark.parametrize("raw,fragment", [
    ({"years": ["abc"]}, "year range"),
    ({"years": ["1980", "2020"]}, "year range"),
    ({"region": ["Atlantis", "Almaty"]}, "'Atlantis'"),
    ({"shade": ["rainbow"]}, "'rainbow' for 'shade'"),
    ({"utm_source": ["x"]}, "'utm_source' is not one"),
])
def test_bad_link_values_get_a_notice(vocab, raw, fragment):
    notices = flt.url_problems(raw, vocab, {"shade": ("incidents", "victims")})
    assert len(notices) == 1 and fragment in notices[0]


def test_good_link_values_get_no_notice(vocab):
    raw = {"years": ["2011", "2016"], "region": ["Almaty"], "shade": ["victims"], "class": ["disputed"]}
    assert flt.url_problems(raw, vocab, {"shade": ("incidents", "victims")}) == []
