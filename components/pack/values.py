"""Small helpers for cell values shared by every builder: one definition of "blank" (unknown) for the whole app."""

from __future__ import annotations

import pandas as pd


def is_blank(value: object) -> bool:
    """True for a missing scalar (None, pd.NA, NaT, NaN); False for any real value, including 0 and ""."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    # lists, arrays and other non-scalars are values, not blanks
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))
