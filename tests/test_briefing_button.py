"""The briefing pack is exported through the sidebar button in AppTest, for the view as filtered."""

from __future__ import annotations

import io

from pptx import Presentation
from streamlit.testing.v1 import AppTest

from dashboard.briefing_ui import _PREPARED
from tests.conftest import APP


def test_button_exports_the_filtered_view_as_pptx_and_pdf():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["region"] = "Jambyl Region"
    at.query_params["years"] = ["2011", "2016"]
    at.run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert "PowerPoint (.pptx)" not in labels and "PDF handout" not in labels
    at.button(key="briefing_prepare").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "PowerPoint (.pptx)" in labels and "PDF handout" in labels
    files = at.session_state[_PREPARED][2]
    deck = Presentation(io.BytesIO(files["pptx"]))
    text = " ".join(shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    assert "Jambyl Region, 2011-2016: 1 incident" in text
    assert files["pdf"].startswith(b"%PDF")
    # changing the filter makes the prepared pack stale: the downloads go until it is prepared again
    at.multiselect(key="region").set_value([]).run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert "PowerPoint (.pptx)" not in labels
    assert any("filters changed" in c.value for c in at.caption)
