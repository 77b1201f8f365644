"""The briefing pack: the current view as a PowerPoint deck and a PDF handout, every figure sourced.

``content`` builds one content model per view (a ``Briefing``: its pages, their text and the images, rendered
once); ``pptx`` and ``pdf`` draw that model, one slide or one A4 page per page, so the two formats always say the
same thing; ``images`` draws the static pictures (matplotlib, offline). Everything is in the pack's language: the
app passes the pack in the session's language (``components.pack.translate.localized``), whose translator
``pack.t`` every page, image and label goes through.
"""

from __future__ import annotations

from datetime import date

from components import filters as flt
from components.briefing import pdf, pptx
from components.briefing.content import Briefing, briefing_content


def build_pptx(pack, filters: flt.Filters, today: date, view_url: str = "",
               briefing: Briefing | None = None) -> bytes:
    """The briefing pack of this view as a 16:9 PowerPoint deck (bytes of a .pptx)."""
    return pptx.render(briefing or briefing_content(pack, filters, today, view_url))


def build_pdf(pack, filters: flt.Filters, today: date, view_url: str = "",
              briefing: Briefing | None = None) -> bytes:
    """The briefing pack of this view as an A4 landscape PDF (bytes): one page per slide of the deck."""
    return pdf.render(briefing or briefing_content(pack, filters, today, view_url))


def build_pack(pack, filters: flt.Filters, today: date, view_url: str = "", events=None) -> dict[str, bytes]:
    """Both formats from one content model (images rendered once): {'pptx': bytes, 'pdf': bytes}. ``events``: the
    incidents of the filter when the caller has them (the app passes its cached copy)."""
    b = briefing_content(pack, filters, today, view_url, events)
    return {"pptx": pptx.render(b), "pdf": pdf.render(b)}
