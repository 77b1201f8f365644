"""All cached loaders of the app live here."""

from __future__ import annotations

import os

import streamlit as st

from components.datapack import DEFAULT_DATA_DIR, DataPack, load_datapack

# A different data pack can be served by pointing KZ_DATA_DIR at it (the tests use this for broken copies).
DATA_DIR_ENV = "KZ_DATA_DIR"


def data_dir() -> str:
    """The folder of the data pack this app serves."""
    return os.environ.get(DATA_DIR_ENV) or str(DEFAULT_DATA_DIR)


@st.cache_data(show_spinner="Loading the data pack…")
def get_pack(path: str) -> DataPack:
    """The validated data pack at ``path`` (cached per path; edit the files and restart to reload)."""
    return load_datapack(path)
