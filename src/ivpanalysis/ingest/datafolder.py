"""Load a data folder into a :class:`Dataset`: the embedded default (data/) or a user's folder.

A data folder holds tidy tables by role. The embedded one is transcribed from the seed documents
(see data/PROVENANCE.md); a folder written by ``ivpanalysis fetch`` holds parquet snapshots with
their provenance. Missing roles are empty frames, so a report section can say what is missing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ivpanalysis.ingest import categories, schema
from ivpanalysis import paths


@dataclass
class Dataset:
    """Tables of one data folder; every table carries ``source`` and ``status`` per row."""

    police: pd.DataFrame  # tidy counts per category key (categories.csv) and period
    categories: pd.DataFrame
    published_changes: pd.DataFrame  # % changes as printed in the seeds (kind=published)
    indicators: pd.DataFrame
    survey: pd.DataFrame
    population: pd.DataFrame = field(default_factory=schema.empty_tidy)  # denominators (inhabitants, dwellings, …)
    data_dir: Path = paths.DATA_DIR
    provenance: dict = field(default_factory=dict)
    incidents: pd.DataFrame = field(default_factory=schema.empty_tidy)  # monthly burglaries per municipality (+ partial)
    regions: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per municipality: police unit, classes, …

    @property
    def boundaries(self) -> dict | None:
        """The folder's ``boundaries.geojson`` (FeatureCollection), read when asked for; None if absent."""
        p = Path(self.data_dir) / "boundaries.geojson"
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def _tidy_csv(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"period": str, "region_code": str}, keep_default_na=False, na_values={"value": [""]})
    return _finish(df, path)


def _tidy_parquet(path: Path) -> pd.DataFrame:
    return _finish(pd.read_parquet(path), path)


def _finish(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Periods written as text (2019, 2019-01, 2019H1) back to pandas Periods, then the schema's order."""
    df["period"] = schema.map_unique(df["period"].astype(str), lambda p: schema.parse_period(p)[0])
    return schema.finish_tidy(df, source_file=str(path))


def _optional(folder: Path, name: str, reader, default):
    p = folder / name
    return reader(p) if p.exists() else default()


def _tidy_role(folder: Path, stem: str) -> pd.DataFrame:
    """A tidy table by role: ``stem.csv`` (transcribed/hand-made) or ``stem.parquet`` (fetched)."""
    if (folder / f"{stem}.csv").exists():
        return _tidy_csv(folder / f"{stem}.csv")
    if (folder / f"{stem}.parquet").exists():
        return _tidy_parquet(folder / f"{stem}.parquet")
    return schema.empty_tidy()


def load(data_dir: str | Path | None = None) -> Dataset:
    """Read a data folder (default: the embedded dataset) into a :class:`Dataset`."""
    folder = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"data folder {folder} does not exist")
    cats = _optional(folder, "categories.csv", categories.read, categories.table)
    return Dataset(
        police=_tidy_role(folder, "police_figures"),
        categories=cats,
        published_changes=_optional(folder, "published_changes.csv",
                                    lambda p: pd.read_csv(p, dtype={"period": str}), pd.DataFrame),
        indicators=_optional(folder, "indicators.csv", lambda p: pd.read_csv(p, dtype={"region_code": str}),
                             pd.DataFrame),
        survey=_tidy_role(folder, "survey"),
        population=_tidy_role(folder, "population"),
        incidents=_tidy_role(folder, "incidents"),
        regions=_optional(folder, "regions.parquet", pd.read_parquet, pd.DataFrame),
        data_dir=folder,
        provenance=_optional(folder, "provenance.json", lambda p: json.loads(p.read_text(encoding="utf-8")), dict),
    )


def load_default() -> Dataset:
    """The embedded dataset (Lelystad, Dronten, Noordoostpolder, Urk; Almere targets)."""
    return load(paths.DATA_DIR)
