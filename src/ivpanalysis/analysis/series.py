"""Which count series of a data folder carry a trend for one municipality, cut ready for
:func:`ivpanalysis.analysis.trend.fit_trend`.

Three kinds (issue 18, item 3): the police's annual counts per category (:data:`MIN_YEARS` years or
more), the police's monthly counts (47013NED and files like it; :data:`MIN_MONTHS` months or more)
and the monthly burglaries of the ``incidents`` role (politie.nl misdaad-in-kaart, every
municipality), whose partial first and last months are left out, never counted as whole months.
Numbers only: the words are in :mod:`ivpanalysis.present.series_text`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ivpanalysis.ingest import schema

#: an annual series needs this many years with a count for a trend (seed 000 shows 2010–2020)
MIN_YEARS = 5
#: a monthly series needs two full years for a trend with a seasonal pattern
MIN_MONTHS = 24
#: a seasonal pattern is shown only from this many full cycles (years) of fitted periods
SEASON_CYCLES = 3
#: the incidents role's burglary measures, summed into one monthly series
BURGLARY_PARTS = ("woninginbraak_geslaagd", "woninginbraak_poging")
BURGLARY = "woninginbraak"


@dataclass(frozen=True)
class CountSeries:
    """One count series of one municipality: ``values`` by period (years as ints, months as Periods)."""

    key: str  # "annual:<measure>", "monthly:<measure>", "incidents:woninginbraak"
    kind: str  # annual | monthly | incidents
    measure: str
    values: pd.Series = field(compare=False)
    sources: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()  # periods left out (partial months), as text "2023-04"

    @property
    def first(self):
        return self.values.index[0]

    @property
    def last(self):
        return self.values.index[-1]


def annual_series(counts: pd.DataFrame, police: pd.DataFrame | None = None, code: str | None = None,
                  min_years: int = MIN_YEARS) -> dict[str, CountSeries]:
    """Each category of ``counts`` (category × int year, :func:`police.annual_counts`) with at least
    ``min_years`` years holding a count; missing years stay missing (NaN), never 0."""
    out = {}
    if counts is None or counts.empty:
        return out
    srcs = _sources(police, code)
    simulated = _simulated_measures(police, code)
    for measure, row in counts.iterrows():
        row = row.astype(float)
        present = row.dropna()
        if len(present) < min_years or float(present.sum()) <= 0:
            continue
        span = row.loc[present.index[0]:present.index[-1]]
        span.index = span.index.astype(int)
        span.attrs["simulated"] = str(measure) in simulated
        out[str(measure)] = CountSeries(f"annual:{measure}", "annual", str(measure), span,
                                        srcs.get(str(measure), ()))
    return out


def _simulated_measures(police: pd.DataFrame | None, code: str | None) -> set[str]:
    if police is None or code is None or "kind" not in police.columns:
        return set()
    df = police[(police["region_code"] == code) & (police["kind"] == "simulated")]
    return set(map(str, df["measure"].unique()))


def _sources(police: pd.DataFrame | None, code: str | None) -> dict[str, tuple[str, ...]]:
    if police is None or code is None or "source" not in police.columns:
        return {}
    df = police[police["region_code"] == code]
    return {m: tuple(sorted(map(str, g["source"].dropna().unique()))) for m, g in df.groupby("measure")}


def monthly_series(police: pd.DataFrame, code: str, min_months: int = MIN_MONTHS) -> dict[str, CountSeries]:
    """The municipality's monthly police counts per measure with at least ``min_months`` months."""
    df = police[(police["region_code"] == code) & police["value"].notna()]
    if df.empty:
        return {}
    df = df[[schema.freq_of(p) == "M" for p in df["period"]]]
    out = {}
    for measure, g in df.groupby("measure"):
        if len(g) < min_months:
            continue
        values = _monthly(g)
        values.attrs["simulated"] = _simulated(g)
        srcs = tuple(sorted(map(str, g["source"].dropna().unique()))) if "source" in g.columns else ()
        out[str(measure)] = CountSeries(f"monthly:{measure}", "monthly", str(measure), values, srcs)
    return out


def _simulated(rows: pd.DataFrame) -> bool:
    """Whether any of the rows are simulated (``kind`` = simulated): the fit and the chart then say so."""
    return bool("kind" in rows.columns and (rows["kind"] == "simulated").any())


def _monthly(g: pd.DataFrame) -> pd.Series:
    """Values by monthly PeriodIndex over the whole span (months without a row NaN)."""
    s = pd.Series(g["value"].astype(float).to_numpy(), index=pd.PeriodIndex(list(g["period"]), freq="M"))
    s = s.groupby(level=0).sum(min_count=1).sort_index()
    return s.reindex(pd.period_range(s.index[0], s.index[-1], freq="M"))


def incident_series(incidents: pd.DataFrame | None, code: str, min_months: int = MIN_MONTHS) -> CountSeries | None:
    """Monthly burglaries (geslaagd + poging) of the ``incidents`` role; partial months left out.

    A month counts only when both parts are there and neither is flagged partial; None when fewer
    than ``min_months`` whole months remain.
    """
    if incidents is None or incidents.empty:
        return None
    df = incidents[(incidents["region_code"] == code) & incidents["measure"].isin(BURGLARY_PARTS)]
    if df.empty:
        return None
    partial = df["partial"].astype(bool) if "partial" in df.columns else pd.Series(False, index=df.index)
    periods = pd.PeriodIndex(list(df["period"]), freq="M")
    left_out = tuple(sorted({str(p) for p, bad in zip(periods, partial) if bad}))
    whole = df[~partial.to_numpy()]
    if whole.empty:
        return None
    parts = whole.groupby([pd.PeriodIndex(list(whole["period"]), freq="M"), whole["measure"]])["value"].sum(min_count=1)
    wide = parts.unstack("measure").reindex(columns=list(BURGLARY_PARTS))
    values = wide.sum(axis=1, min_count=len(BURGLARY_PARTS)).astype(float).sort_index()
    values = values.reindex(pd.period_range(values.index[0], values.index[-1], freq="M"))
    if int(values.notna().sum()) < min_months:
        return None
    srcs = tuple(sorted(map(str, df["source"].dropna().unique()))) if "source" in df.columns else ()
    return CountSeries(f"incidents:{BURGLARY}", "incidents", BURGLARY, values, srcs, left_out)


def seasonal_factors(params: pd.Series) -> pd.Series:
    """The fitted seasonal pattern as factors around 1 (geometric mean 1) per month or quarter number.

    Read from the ``month_k``/``quarter_k`` coefficients of a :func:`fit_trend` result (the first
    month or quarter is the baseline, coefficient 0); empty when the fit had no seasonal term.
    """
    for prefix, n in (("month_", 12), ("quarter_", 4)):
        cols = [c for c in params.index if str(c).startswith(prefix)]
        if cols:
            logs = np.zeros(n)
            for c in cols:
                logs[int(str(c)[len(prefix):]) - 1] = float(params[c])
            logs -= logs.mean()
            return pd.Series(np.exp(logs), index=pd.RangeIndex(1, n + 1), name=prefix.rstrip("_"))
    return pd.Series(dtype=float)

