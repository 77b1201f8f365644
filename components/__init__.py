"""Pure code, no Streamlit: what the dashboard computes, from the data pack to the words, figures and files a user
sees. Read in the order a view is made: ``pack`` (the curated data) -> ``filters`` -> ``views`` (one view model per
view) -> ``figures`` and ``map`` (charts and the map) and ``text`` (words, dates, escaping) -> ``briefing`` and
``exports`` (files). ``imports`` reads datasets users bring."""
