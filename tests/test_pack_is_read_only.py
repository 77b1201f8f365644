"""The data pack is cached once as a shared resource (dashboard/data.py): no page may change it."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from components.pack.load import DEFAULT_DATA_DIR, load_datapack
from dashboard.data import get_pack
from tests.conftest import APP, open_tables

PAGES = ["app_pages/overview.py", "app_pages/map.py", "app_pages/timeline.py", "app_pages/statistics.py",
         "app_pages/sources.py", "app_pages/data_pack.py"]


def test_running_every_page_leaves_the_shared_pack_unchanged():
    fresh = load_datapack(DEFAULT_DATA_DIR)
    for query in ({}, {"region": "Aktobe Region", "years": ["2011", "2016"]}, {"region": "Pavlodar Region"}):
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        for page in PAGES:
            open_tables(at.switch_page(page).run())
            assert not at.exception, (page, query)
        at.switch_page("app_pages/overview.py").run()
        for recent in [s for s in at.selectbox if s.key == "recent"]:  # open the most recent incident's record
            recent.select_index(0).run()
    shared = get_pack(str(DEFAULT_DATA_DIR))
    for name, df in fresh.tables.items():
        pd.testing.assert_frame_equal(shared.tables[name], df, obj=name)
    assert shared.boundaries == fresh.boundaries
    assert shared.metadata == fresh.metadata
