"""The text module: the small parts of every sentence, and data text made safe for each place it goes."""

from __future__ import annotations

import pandas as pd
import pytest

from components import text


@pytest.mark.parametrize("url, target", [
    ("https://www.rferl.org/a/24177028.html", "https://www.rferl.org/a/24177028.html"),
    ("https://a.example/x (1)", "https://a.example/x%20%281%29"),  # markdown would end the link at ')'
    ("javascript:alert(1)", ""), ("ftp://a.example/x", ""), ("http:///x", ""), ("", ""), (None, ""),
    ("https://a.example/?q=1&r=2#f", "https://a.example/?q=1&r=2#f"),
])
def test_web_url_links_only_web_addresses(url, target):
    assert text.web_url(url) == target


def test_escape_md_leaves_no_markup_and_no_autolink():
    out = text.escape_md("[x](http://a.example) www.b.example c@d.example **e**")
    assert "](" not in out and "**" not in out
    assert "http\\:\u2060//" in out and "www\u2060" in out and "@\u2060" in out


def test_dates_are_no_more_precise_than_known():
    d = pd.Timestamp("2011-11-12")
    assert text.date_long(d, "day") == "12 November 2011"
    assert text.date_long(d, "month") == "November 2011 (month only)"
    assert text.date_iso(d, "month") == "2011-11" and text.date_iso(d, "year") == "2011"
    assert text.date_short(d, "approximate") == "12 Nov 2011 (approx.)"
    assert text.date_long(pd.NaT, "day") == text.UNKNOWN


def test_plurals_and_unknown_counts():
    assert [text.plural(n, "incident") for n in (0, 1, 2)] == ["0 incidents", "1 incident", "2 incidents"]
    assert text.plural(2, "person", "people") == "2 people"
    assert text.count_text(0) == "0" and text.count_text(None) == "unknown"


def test_clean_removes_what_xml_cannot_hold():
    assert text.clean("a\x00b\x1fc\r\nd") == "abc\nd" and text.clean(None, "-") == "-"


def test_escape_html_and_plotly():
    assert text.escape_html('<b>"A" & B</b>') == "&lt;b&gt;&\\#34;A&\\#34; &amp; B&lt;/b&gt;".replace("\\#", "#")
    assert text.escape_plotly("<b>x</b> & 'y'") == "&lt;b&gt;x&lt;/b&gt; &amp; 'y'"
