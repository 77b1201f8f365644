"""Statistics: the figures stated in the five source documents, exactly as reported, each with its period, source,
verbatim quote and caveat; the caveats sit beside the charts they qualify; public comparators are set apart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.exports import to_csv_bytes
from components.figures import statistics as sc
from components.views.sources import meta_text
from dashboard import data, details, frame
from dashboard.data import arrow_of, current_pack
from dashboard.frame import escape_md, source_line

pack = current_pack()
stats = pack.tables["statistics"]
filters = st.session_state.get("filters")

t = frame.t()
st.title(t("Statistics"))
st.caption(t("Figures stated in the five source documents, exactly as reported: with their qualifier (“at least”, "
             "“more than”, ranges as ranges), period, source, verbatim quote and caveat. Hover over a bar for the "
             "quote; open “View as table” under a chart for the rows behind it. Public comparators from other "
             "sources are kept apart at the bottom of the page."))
note = t("These figures are national totals as reported; the region and year filters do not apply to them.")
if filters is not None and not filters.is_default():
    note += " " + t("The current filter ({filter}) applies to the incidents on the other pages.").format(
        filter=escape_md(filters.describe(t=t)))
st.info(note, icon=":material/public:")

if stats.empty:
    st.warning(t("The statistics table could not be loaded, so there is nothing to show here. See “Data pack "
                 "checks” for the problems found."), icon=":material/warning:")
    st.stop()


# ------------------------------------------------------------------ helpers
# Keyed by the headers as the tables show them (in the language).
COLUMN_CONFIG = {
    t("Metric"): st.column_config.TextColumn(width="medium"),
    t("Value"): st.column_config.TextColumn(width=120, help=t("As stated, with its qualifier (at least, more than, "
                                                              "about, range)")),
    t("Quote (verbatim)"): st.column_config.TextColumn(width="large", help=t("The source's words, verbatim")),
    t(sc.QUOTE_TRANSLATION_COLUMN): st.column_config.TextColumn(
        width="large", help=t("The project's translation of the quote; the quote itself is authoritative")),
    t("Caveat"): st.column_config.TextColumn(width="large",
                                             help=t("Where the figure does not add up or is contradicted")),
    t("Where sources disagree"): st.column_config.TextColumn(width="large", help=t("From the contradictions table")),
    t("Source"): st.column_config.TextColumn(width="medium"),
    t("Unit"): st.column_config.TextColumn(width=160),
    t("Topic"): st.column_config.TextColumn(width=130),
    t("Links"): st.column_config.TextColumn(help=t("Addresses of the sources, where known")),
    "stat_id": st.column_config.TextColumn(t("Row id"), help=t("stat_id in statistics.csv")),
}


def table_of(spec, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows for stat ids (a tuple of ids) or a spec tuple (see views.statistics.table)."""
    if spec and spec[0] not in ("ids", "topic", "comparators"):
        spec = ("ids", *spec)
    return data.stats_table(pack, tuple(spec), tuple(drop))


def show_table(df: pd.DataFrame, key: str, filename: str) -> None:
    st.dataframe(arrow_of(df), hide_index=True, width="stretch", column_config=COLUMN_CONFIG, key=key, row_height=84,
                 height=min(84 * len(df) + 40, 560))
    # Every export states its licence (a licence column, as the incidents CSV has): the statistics table's.
    licence = meta_text(pack.metadata, ("tables", "statistics", "license"), t)
    st.download_button(t("Download these rows (CSV)"), lambda: to_csv_bytes(df.assign(licence=licence)),
                       file_name=filename, mime="text/csv", icon=":material/download:", key=f"{key}-csv",
                       on_click="ignore")


def chart(name: str, ids: tuple[str, ...], with_comparators: bool = False) -> None:
    """A figure with its source line, the reliability of that source, and the exact rows in an expander."""
    text = data.stats_text(pack, ids)
    st.plotly_chart(data.stats_figure(pack, name), theme=None, config=sc.MODEBAR_CONFIG, key=name, alt=text.alt)
    line = text.line
    if with_comparators and text.comparators_line:
        line = t("{line} (source document); comparators: {comparators}").format(line=line,
                                                                              comparators=text.comparators_line)
    source_line(line)
    if text.reliability:
        st.caption(t("About this source: {text}").format(text=escape_md(text.reliability)))
    with frame.table_box(t("View as table"), f"statistics-{name}") as table_box:
        if table_box.open:  # drawn only when opened: a closed expander sends nothing
            show_table(table_of(ids), key=f"{name}-table", filename=f"statistics-{name}.csv")


def caveat_list(ids: tuple[str, ...]) -> str:
    """The caveats of the charted rows as a markdown list (data text escaped)."""
    return "\n".join(f"- **{escape_md(metric)} ({escape_md(value)})**: {escape_md(caveat)}"
                     for metric, value, caveat in data.stats_text(pack, ids).caveats)


def recorded_disagreements(ids: tuple[str, ...]) -> None:
    """The contradictions-table entries on these rows: how the data pack records the disagreement."""
    notes = data.stats_text(pack, ids).disagreements
    if notes:
        st.markdown("**" + t("How the data pack records the disagreement") + "**\n\n" + "\n".join(
            f"- {escape_md(n['topic'])} ({escape_md(n['id'])}): {escape_md(n['value_used'])}" for n in notes))


# ------------------------------------------------------------------ perpetrators' ages
st.header(t("Perpetrators' ages"))
left, right = st.columns([3, 2], gap="medium")
with left:
    chart("age", sc.AGE_IDS)
with right:
    age = data.stats_age(pack)
    st.warning("**" + t("Caveat: the age shares do not add up.") + "**\n\n" + escape_md(age.caveat),
               icon=":material/warning:")
    st.markdown("**" + t("What the source says") + "** " + t("(verbatim)"))
    st.markdown("> " + escape_md(age.quote))
    if age.quote_translation:  # Kazakh and Russian: the quote stays verbatim, the project's translation under it
        st.caption(t("Translation: {text}").format(text=escape_md(age.quote_translation)))
    st.caption(t("The chart shows the three shares exactly as quoted. No 20–29 share is derived or drawn: that "
                 "band is marked “not reported”."))

# ------------------------------------------------------------------ prosecution and prevention
st.header(t("Prosecution and prevention"))
left, right = st.columns([3, 2], gap="medium")
with left:
    chart("prosecution", sc.PROSECUTION_IDS)
with right:
    st.warning("**" + t("The periods differ.") + "** " + t("Each bar covers its own period (under its label), so "
                                                           "the bars are not a series and must not be added up.")
               + "\n\n" + caveat_list(sc.PROSECUTION_IDS),
               icon=":material/warning:")
    recorded_disagreements(sc.PROSECUTION_IDS)

# ------------------------------------------------------------------ foreign fighters
st.header(t("Foreign fighters"))
left, right = st.columns([3, 2], gap="medium")
with left:
    chart("fighters", sc.FIGHTERS_IDS, with_comparators=True)
with right:
    st.warning("**" + t("An estimate, not a count.") + "** " + t("The source document gives a range, drawn as a "
                                                                 "range; the diamond markers are public comparators "
                                                                 "from outside the five source documents.")
               + "\n\n" + caveat_list((sc.FIGHTERS_RANGE,)), icon=":material/warning:")
    recorded_disagreements(sc.FIGHTERS_IDS)

# ------------------------------------------------------------------ other figures
st.header(t("Other figures from the source documents"))
st.caption(t("Every other figure stated in the five source documents, grouped by topic, exactly as reported. "
             "Incident figures are the documents' own numbers; the incident table (Map and Overview pages) holds "
             "the final tallies and where sources disagree."))
for topic, n_rows in data.stats_topics(pack):
    label = str(t.value("topic", topic))
    st.subheader(f"{escape_md(label[:1].upper() + label[1:])} ({t.number(n_rows)})")
    show_table(table_of(("topic", topic), drop=("Topic", "Comparator")), key=f"other-{topic}",
               filename=f"statistics-{topic.replace(' ', '-')}.csv")

# ------------------------------------------------------------------ comparators, set apart
comparators = table_of(("comparators",), drop=("Comparator",))
with st.container(border=True):
    st.header(t("Comparators from other sources — not from the five source documents"))
    st.markdown(t("Public figures (officials via the US State Department, news agencies, the government, an almanac) "
                  "kept for comparison with the source documents. They are **not** among the five source documents "
                  "and are never mixed into the figures above, except as separately marked comparators in the "
                  "foreign-fighters chart."))
    if comparators.empty:
        st.caption(t("No comparators in the data pack."))
    else:
        show_table(comparators, key="comparators",
                   filename="statistics-comparators.csv")

details.translation_note(t)  # the metrics, periods and caveats come from the data pack; quotations stay verbatim
