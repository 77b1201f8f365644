"""All cached loaders of the app live here."""

from __future__ import annotations

import os
from collections.abc import Callable

import streamlit as st

from components.datapack import DEFAULT_DATA_DIR, DataPack, load_datapack

# A different data pack can be served by pointing KZ_DATA_DIR at it (the tests use this for broken copies).
DATA_DIR_ENV = "KZ_DATA_DIR"


def data_dir() -> str:
    """The folder of the data pack this app serves."""
    return os.environ.get(DATA_DIR_ENV) or str(DEFAULT_DATA_DIR)


# A resource, not cache_data: cache_data would unpickle a fresh copy of every table and the boundaries on every
# rerun (18 ms). The pack is read-only by contract: pages filter into new frames and never assign into it;
# tests/test_pack_is_read_only.py runs every page and checks the pack is unchanged afterwards.
@st.cache_resource(show_spinner="Loading the data pack…")
def get_pack(path: str) -> DataPack:
    """The validated data pack at ``path`` (loaded once per path; edit the files and restart to reload)."""
    return load_datapack(path)


@st.cache_resource(show_spinner=False, max_entries=512)
def _memo(name: str, path: str, args: tuple, _builder: Callable, _pack: DataPack):
    return _builder(_pack, *args)


def memo(builder: Callable, pack: DataPack, *args):
    """``builder(pack, *args)`` computed once per data pack and hashable arguments, shared by all sessions: use it
    for pure view builders (figures, decks, summaries) and treat what it returns as read-only."""
    return _memo(f"{builder.__module__}.{builder.__qualname__}", pack.data_dir, args, builder, pack)
