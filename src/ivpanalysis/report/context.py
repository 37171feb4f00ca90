"""The report's context: the municipality, its data and the years compared; the data folder loaded
once per folder stamp; the tables several sections share, computed once per report.

:func:`ivpanalysis.report.content.context` builds a :class:`Context` from these parts.
"""
from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ivpanalysis import paths
from ivpanalysis.analysis import activities, police
from ivpanalysis.ingest import datafolder, registers, schema
from ivpanalysis.present import dashboard_text
from ivpanalysis.ingest import validate
from ivpanalysis.ingest.validate import DUPLICATE_KEYS

#: the police measure of all registered crime
TOTAL = "criminaliteit_totaal"


@dataclass
class Context:
    """Everything a section needs: the municipality, its data and the years compared."""

    code: str
    name: str
    data: datafolder.Dataset
    year: int | None
    reference_year: int | None
    region: str | None = None
    plan_start: int | None = None
    target_year: int | None = None
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)  # category x year, this municipality
    folder: tuple = field(default=(), repr=False)  # cache key of the data folder (all municipalities: comparisons)
    cache: dict = field(default_factory=dict, repr=False)  # tables computed once per report

    def once(self, key: str, compute):
        """``compute()`` the first time ``key`` is asked for in this report, the stored result after."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


validate_code = schema.check_municipality_code  # the report's name for it


def municipality_name(code: str, data: datafolder.Dataset | None = None) -> str | None:
    """The municipality's name from the CBS code list, else from the data; None when neither knows it."""
    name = schema.municipality_name(code)
    if name:
        return name
    if data is not None:
        for frame in (data.police, data.survey):
            names = frame.loc[frame["region_code"] == code, "region_name"]
            if len(names):
                return str(names.iloc[0])
    return None


def slug(code: str, name: str) -> str:
    """Folder name of a report: ``GM0995-lelystad`` (ASCII, lower case, hyphens)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    part = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return f"{validate_code(code)}-{part}" if part else code


def report_title(code: str, name: str) -> str:
    """The HTML page title of a municipality's report."""
    return f"Evaluatie integraal veiligheidsplan {name} ({code})"


# --- the data folder, loaded once while unchanged -------------------------------------------------------

def _data_stamp(folder: Path) -> tuple:
    stats = sorted((str(p), p.stat()) for p in folder.rglob("*") if p.is_file())
    return tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)


@lru_cache(maxsize=4)
def _load(folder: str, stamp: tuple) -> datafolder.Dataset:
    """The folder through the gate (checked once per folder version; failing municipalities left out);
    in a batch, read once and shared by its kernels (:mod:`.batch_cache`)."""
    from ivpanalysis.report import batch_cache
    return batch_cache.cached("dataset", (folder, stamp), lambda: validate.gate(datafolder.load(folder)))


def _folder_key(data_dir: str | Path | None) -> tuple[str, tuple]:
    """The cache key of a data folder: its path and every file's mtime and size."""
    folder = Path(data_dir) if data_dir else paths.DATA_DIR
    if not folder.is_dir():  # named here: the stamp would otherwise find no files
        raise FileNotFoundError(f"data folder {folder} does not exist")
    return str(folder.resolve()), _data_stamp(folder)


def load_data(data_dir: str | Path | None = None) -> datafolder.Dataset:
    """The data folder as a Dataset, cached per folder while its files are unchanged.

    A batch renders many municipalities in one kernel; reading the folder once is the point of the
    cache. The key includes every file's mtime and size, so an edited folder is read again.
    Sections never modify the frames they are given.
    """
    return _load(*_folder_key(data_dir))


def check_rows(data: datafolder.Dataset, code: str) -> None:
    """ValueError when the police figures hold a category and period twice for ``code``.

    Which of two rows is right cannot be decided here; the report refuses rather than pick one.
    """
    df = data.police[data.police["region_code"] == code]
    dup = df.duplicated(DUPLICATE_KEYS, keep=False)  # the key validation uses; region is fixed here
    if dup.any():
        first = df[dup].iloc[0]
        raise ValueError(f"police figures for {code} hold {int(dup.sum())} duplicate rows "
                         f"(e.g. {first['measure']} {first['period']}); each category and period must occur once")


def municipality_view(data: datafolder.Dataset, code: str, region: str | None = None) -> datafolder.Dataset:
    """The dataset with its police figures cut to what one report can use: the municipality, the
    comparison region and every police unit (the police table picks its region among those).

    Every section filters by municipality anyway; cutting once saves scanning all 342
    municipalities' rows in each of them. The other tables are shared unchanged.
    """
    pol = data.police
    units = [c for c in pd.unique(pol["region_code"]) if isinstance(c, str) and schema.region_kind(c) == "police_unit"]
    keep = {code, *units, *([region] if region else [])}
    return dataclasses.replace(data, police=pol[pol["region_code"].isin(keep)])


# --- tables several sections share (computed once per report) -------------------------------------------

def count(ctx: Context, key: str, year: int | None) -> float:
    """The municipality's count of ``key`` in ``year`` (NaN when the data lack it)."""
    c = ctx.counts
    if year is None or c.empty or key not in c.index or year not in c.columns:
        return math.nan
    return float(c.at[key, year])


def police_figures(ctx: Context) -> pd.DataFrame:
    """:func:`ivpanalysis.police.police_table` for the report's municipality and year (empty without counts)."""
    if ctx.year is None:
        return pd.DataFrame()
    return ctx.once("police", lambda: police.police_table(ctx.data, ctx.code, year=ctx.year, region=ctx.region))


def dashboard_table(ctx: Context) -> pd.DataFrame:
    """:func:`ivpanalysis.dashboard` for the report (empty when the data declare no indicators)."""
    ind = ctx.data.indicators
    if ind is None or ind.empty or "region_code" not in ind.columns or not (ind["region_code"] == ctx.code).any():
        return pd.DataFrame()
    return ctx.once("dashboard", lambda: dashboard_text.dashboard(ctx.data, ctx.code, year=ctx.year))


def has_register(ctx: Context) -> bool:
    """Whether the data folder holds an activities register for the municipality."""
    try:
        registers.register_path(ctx.data.data_dir, ctx.code)
    except LookupError:  # the documented signal for "no register file for this municipality"
        return False
    return True


def activities_summary(ctx: Context) -> activities.ActivitiesSummary:
    """:func:`ivpanalysis.activities.activities_summary` of the municipality's register (computed once)."""
    return ctx.once("activities", lambda: activities.activities_summary(registers.load_register(ctx.data, ctx.code)))


def monthly_total(ctx: Context) -> pd.DataFrame:
    """The municipality's monthly rows of all registered crime (empty when the data hold none)."""
    df = ctx.data.police
    df = df[(df["region_code"] == ctx.code) & (df["measure"] == TOTAL)]
    return df[[schema.freq_of(p) == "M" for p in df["period"]]] if len(df) else df
