"""The map: filtered incidents as points (colour = attack type, size = victims killed, ring = victims unknown) over
the 16 regions shaded by incidents or victims killed. Click an incident for its record, a region to filter to it.
Above clusters.POINT_LIMIT incidents in the filter (large imported datasets), grid cells computed on the server
replace the points, and the page says so above the map. No basemap unless asked for: the view works offline."""

from __future__ import annotations

import streamlit as st

from components import filters as flt
from components.map.clusters import CELL_DEG, POINT_LIMIT, deg_text
from components.map.layers import LAYER_INCIDENTS, LAYER_REGIONS
from components.map.regions import DEFAULT_SHADE, SHADE_OPTIONS
from components.map.table import TABLE_LIMIT
from components.views.sources import meta_text
from dashboard import data, details, frame
from dashboard.data import arrow_of, current_pack, filtered_events

MAP_KEY = "map"
TABLE_KEY = "map_table"
SHADE_KEY = "shade"
_LAST_REGION = "_map_region_applied"
_LAST_PICK = "_map_last_pick"

pack = current_pack()
filters: flt.Filters = st.session_state.get("filters") or flt.Filters()
all_events = pack.tables["events"]
events = filtered_events(pack, filters.key())  # shared with the view builders
region_names = tuple(sorted(pack.tables["regions"]["region"]))


def _first(selection: object, layer: str) -> dict | None:
    """The first picked object of a layer in a pydeck selection state (read dict-style: a PydeckState, or a plain
    dict as a test may put in session state)."""
    try:
        objects = selection["selection"]["objects"]  # type: ignore[index]
        picked = objects.get(layer) or []
    except (KeyError, TypeError, AttributeError):
        return None
    return picked[0] if picked and isinstance(picked[0], dict) else None


def _region_of(obj: dict | None) -> str | None:
    if not obj:
        return None
    props = obj.get("properties") if isinstance(obj.get("properties"), dict) else obj
    name = props.get("region")
    return name if name in region_names else None


def _on_map_select() -> None:
    """Clicking a region filters to it. Runs as the chart's callback, i.e. before the sidebar widgets are created
    on the next run, which is the only moment their value may be set. Acts once per newly picked region (the
    chart keeps its selection across reruns)."""
    selection = st.session_state.get(MAP_KEY)
    if _first(selection, LAYER_INCIDENTS) is not None:
        return
    region = _region_of(_first(selection, LAYER_REGIONS))
    if region is None:
        st.session_state.pop(_LAST_REGION, None)
        return
    if st.session_state.get(_LAST_REGION) == region:
        return
    st.session_state[_LAST_REGION] = region
    st.session_state[flt.KEY_REGIONS] = [region]


def _new_pick(source: str, event_id: object) -> str | None:
    """The incident id if ``source`` (the map or the table) picked it since the last run, else None."""
    last = st.session_state.setdefault(_LAST_PICK, {})
    value = event_id if isinstance(event_id, str) and event_id else None
    changed = last.get(source) != value
    last[source] = value
    return value if changed else None


t = frame.t()
st.title(t("Map of incidents"))
frame.filter_statement(filters, len(events))

if pack.boundaries is None:
    st.warning(t("The region boundaries could not be loaded: only the incidents are drawn."),
               icon=":material/warning:")
if events.empty:
    st.info(t("No incident matches these filters. Widen the filters in the sidebar (or reset them) to see "
              "incidents on the map."), icon=":material/filter_alt_off:")

map_col, side_col = st.columns([3, 1], gap="small")
with side_col:
    # The options are the link's values, English in every language; their labels are in the language. Not a bound
    # widget (a bound one writes its shown label, 'Убито жертв', into the link): seeded from the link here when
    # first drawn, and written back below, as the frame does the filters.
    if SHADE_KEY not in st.session_state:
        linked = st.query_params.get(SHADE_KEY)
        st.session_state[SHADE_KEY] = linked if linked in SHADE_OPTIONS else DEFAULT_SHADE
    shade = st.segmented_control(t("Shade regions by"), list(SHADE_OPTIONS), required=True, key=SHADE_KEY,
                                 format_func=lambda option: t(SHADE_OPTIONS[option]),
                                 help=t("Incidents: the number of incidents in the filter. Victims killed: victims "
                                        "killed, excluding perpetrators; a region whose incidents have no victim "
                                        "figure reads 'unknown', never 0."))
    basemap = st.toggle(t("Basemap (online)"), key="basemap", bind="query-params",
                        help=t("Adds a light Carto street map under the regions. Off by default: the map then "
                               "works offline and needs no account or token."))
shade = shade if shade in SHADE_OPTIONS else DEFAULT_SHADE
if shade != DEFAULT_SHADE:  # the link names the shading unless it is the default
    if st.query_params.get(SHADE_KEY) != shade:
        st.query_params[SHADE_KEY] = shade
elif SHADE_KEY in st.query_params:
    del st.query_params[SHADE_KEY]

view = data.map_view(pack, filters.key())
agg = view.aggregation
deck = data.map_deck(pack, filters.key(), shade, bool(basemap))
alt = view.alt(shade)
with map_col:
    if agg.aggregated:  # said above the map, where the eye lands: the circles are cells, not incidents
        st.info(frame.escape_md(view.headline), icon=":material/grid_on:")
    selection = st.pydeck_chart(deck, key=MAP_KEY, on_select=_on_map_select, selection_mode="single-object",
                                height=560, alt=alt)
with side_col:
    legend_svg, legend_text = data.map_legend(pack, filters.key(), shade)
    st.image(legend_svg, alt=legend_text)

if agg.aggregated:
    st.caption(frame.escape_md(
        t("Each dark circle is a grid cell of {deg} (about 55 km north to south): it sums the incidents whose "
          "coordinates fall in the cell and is drawn at the cell's centre, not at an incident's place; its area is "
          "proportional to its incidents, and the bigger ones carry their count. Hover a cell for its incidents "
          "and victims killed (unknown figures counted apart, never as 0). Narrow the years, regions or other "
          "filters below {limit} incidents to see each incident and open its record.").format(
            deg=deg_text(CELL_DEG, t), limit=t.number(POINT_LIMIT))))
if view.overlap_text:
    st.caption(frame.escape_md(view.overlap_text))
if agg.aggregated:
    st.caption(t("Coordinate precision: most coordinates are settlement centres, not incident sites; see each "
                 "incident's precision in the table. Click a region to show only that region."))
else:
    st.caption(t("Coordinate precision: most points are settlement centres, not incident sites; see each "
                 "incident's precision in its tooltip or in the table. Hover for figures; click an incident for its "
                 "full record, a region to show only that region."))
n_missing = len(events) - agg.located
if n_missing:
    st.caption(t.n("{n} incident in the filter has no coordinates and is not drawn; see 'View as table'.",
                   "{n} incidents in the filter have no coordinates and are not drawn; see 'View as table'.",
                   n_missing))
frame.source_line(t("{title}, incidents table (events.csv).").format(title=meta_text(pack.metadata, ("title",), t)
                                                                     or t("the data pack"))
                  + " " + meta_text(pack.metadata, ("boundaries", "attribution"), t)
                  + (". " + t("Basemap © CARTO, © OpenStreetMap contributors") if basemap else ""))

capped = len(events) > TABLE_LIMIT
label = (t("View as table (the {limit} most recent of {n} incidents)").format(limit=t.number(TABLE_LIMIT),
                                                                              n=t.number(len(events)))
         if capped else t("View as table ({incidents})").format(
             incidents=t.n("{n} incident", "{n} incidents", len(events))))
table, picked_rows = None, None
with frame.table_box(label, "map") as table_box:
    if table_box.open:
        table = data.map_table(pack, filters.key())
        if capped:
            st.caption(t("The {limit} most recent incidents of the {n} in the filter, in date order. All of them "
                         "are in the CSV download on 'Sources and data'.").format(limit=t.number(TABLE_LIMIT),
                                                                                  n=t.number(len(events))))
        st.caption(t("Select a row to open the incident's full record. 'unknown' means the sources give no figure."))
        picked_rows = st.dataframe(
            arrow_of(table), hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
            key=TABLE_KEY,
            column_order=[c for c in table.columns if c != "event_id"],
        )

# Open the record of an incident newly picked on the map or in the table (once per new pick).
map_pick = _first(selection, LAYER_INCIDENTS)
try:
    rows = list(picked_rows["selection"]["rows"])
except (KeyError, TypeError):
    rows = []
picked_ok = table is not None and rows and 0 <= rows[0] < len(table)
table_pick = table.iloc[rows[0]]["event_id"] if picked_ok else None
new_on_map = _new_pick("map", map_pick.get("event_id") if map_pick else None)
new_in_table = _new_pick("table", table_pick)
new = new_on_map or new_in_table
if new:
    details.open_once("event", None, pack)  # a deliberate new pick opens the record even if it was open before
    details.open_once("event", new, pack)

details.translation_note(t)  # the places, the tooltips' summaries and the notes come from the data pack
