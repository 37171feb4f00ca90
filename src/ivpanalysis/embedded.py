"""The embedded default dataset in data/, transcribed from the seed documents."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import paths, schema


@dataclass
class Dataset:
    """Tables of the embedded dataset; see data/PROVENANCE.md for where each figure comes from."""

    police: pd.DataFrame  # tidy counts per category, 2016–2019
    categories: pd.DataFrame
    published_changes: pd.DataFrame  # % changes as printed in the seeds (kind=published)
    indicators: pd.DataFrame
    survey: pd.DataFrame


def _tidy_csv(name: str) -> pd.DataFrame:
    df = pd.read_csv(paths.DATA_DIR / name, dtype={"period": str, "region_code": str}, keep_default_na=False,
                     na_values={"value": [""]})
    df["period"] = [schema.parse_period(p)[0] for p in df["period"]]
    return schema.finish_tidy(df, source_file=str(paths.DATA_DIR / name))


def load_default() -> Dataset:
    """The embedded dataset (Lelystad, Dronten, Noordoostpolder, Urk; Almere targets)."""
    return Dataset(
        police=_tidy_csv("police_figures.csv"),
        categories=pd.read_csv(paths.DATA_DIR / "categories.csv", dtype=str, keep_default_na=False),
        published_changes=pd.read_csv(paths.DATA_DIR / "published_changes.csv", dtype={"period": str}),
        indicators=pd.read_csv(paths.DATA_DIR / "indicators.csv", dtype={"region_code": str}),
        survey=_tidy_csv("survey.csv"),
    )
