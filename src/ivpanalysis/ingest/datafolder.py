"""Load a data folder into a :class:`Dataset`: the embedded default (data/) or a user's folder.

A data folder holds tidy tables by role. The embedded one is transcribed from the seed documents
(see data/PROVENANCE.md); a folder written by ``ivpanalysis fetch`` holds parquet snapshots with
their provenance. Missing roles are empty frames, so a report section can say what is missing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
import json
from pathlib import Path

import pandas as pd

from ivpanalysis.ingest import categories, schema
from ivpanalysis import paths
from ivpanalysis.errors import DataError
from ivpanalysis.ingest import tablefile


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
        """The folder's ``boundaries.geojson`` (FeatureCollection), read when asked for; None if absent.

        Parsed once per file version: every report of a batch (each a view of the same folder) asks."""
        p = Path(self.data_dir) / "boundaries.geojson"
        return _geojson(str(p), p.stat().st_mtime_ns) if p.exists() else None
    #: what the gate (:func:`ivpanalysis.ingest.validate.gate`) found; None until it ran
    problems: list | None = None
    #: municipalities left out because their rows hold problems (set by the gate)
    excluded: tuple = ()


@lru_cache(maxsize=2)
def _geojson(path: str, mtime_ns: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _tidy_csv(path: Path) -> pd.DataFrame:
    return tablefile.finish(tablefile.read_csv_text(path), path)


def _tidy_parquet(path: Path) -> pd.DataFrame:
    return tablefile.finish(tablefile.read_parquet(path), path)


def _optional(folder: Path, name: str, reader, default):
    p = folder / name
    tablefile.check_file(p)  # a dangling symlink, a FIFO or a folder is named, not skipped or read
    if not p.exists():
        return default()
    try:
        return reader(p)
    except DataError:
        raise
    except (ValueError, KeyError, OSError, UnicodeDecodeError) as e:  # pandas/json: named by file, never a traceback
        raise DataError.at(p, "cannot be read", found=f"{type(e).__name__}: {e}"[:200],
                           expected="the columns and format of the embedded data/ folder") from None


def _tidy_role(folder: Path, stem: str) -> pd.DataFrame:
    """A tidy table by role: ``stem.csv`` (transcribed/hand-made) or ``stem.parquet`` (fetched)."""
    for suffix in (".csv", ".parquet"):
        tablefile.check_file(folder / f"{stem}{suffix}")
    if (folder / f"{stem}.csv").exists():
        return _tidy_csv(folder / f"{stem}.csv")
    if (folder / f"{stem}.parquet").exists():
        return _tidy_parquet(folder / f"{stem}.parquet")
    return schema.empty_tidy()


def load(data_dir: str | Path | None = None) -> Dataset:
    """Read a data folder (default: the embedded dataset) into a :class:`Dataset`."""
    folder = Path(data_dir).absolute() if data_dir is not None else paths.DATA_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"data folder {folder} does not exist")
    cats = _optional(folder, "categories.csv", categories.read, categories.table)
    return Dataset(
        police=_tidy_role(folder, "police_figures"),
        categories=cats,
        published_changes=_optional(folder, "published_changes.csv",
                                    lambda p: pd.read_csv(p, dtype={"period": str}) if tablefile.read_text(p) else None,
                                    pd.DataFrame),
        indicators=_optional(folder, "indicators.csv", tablefile.read_indicators, pd.DataFrame),
        survey=_tidy_role(folder, "survey"),
        population=_tidy_role(folder, "population"),
        incidents=_tidy_role(folder, "incidents"),
        regions=_optional(folder, "regions.parquet", pd.read_parquet, pd.DataFrame),
        data_dir=folder,
        provenance=_optional(folder, "provenance.json", tablefile.read_json, dict),
    )


def load_default() -> Dataset:
    """The embedded dataset (Lelystad, Dronten, Noordoostpolder, Urk; Almere targets)."""
    return load(paths.DATA_DIR)
