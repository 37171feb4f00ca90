"""The denominators of rates (inhabitants, dwellings, young people 12–24) as held in a data
folder's population table: one series per region and kind, never a substitute measure."""
from __future__ import annotations

import pandas as pd

#: denominator key → (population-table measure, short label for messages)
DENOMINATORS = {
    "inwoners": ("inwoners", "inwoners"),
    "woningen": ("woningen", "woningen"),
    "jongeren_12_24": ("jongeren_12_24", "jongeren_12-24"),
}


def denominator(population: pd.DataFrame, code: str, kind: str) -> pd.Series:
    """The denominator series of one region by year (int index); empty when the data have none."""
    if kind not in DENOMINATORS:
        raise LookupError(f"unknown denominator {kind!r}; expected one of {', '.join(DENOMINATORS)}")
    measure = DENOMINATORS[kind][0]
    df = population[(population["region_code"] == code) & (population["measure"] == measure)]
    if df.empty:
        return pd.Series(dtype=float)
    return pd.Series(df["value"].to_numpy(float), index=[p.year for p in df["period"]]).sort_index()
