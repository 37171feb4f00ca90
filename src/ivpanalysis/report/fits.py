"""Trend fits computed once per series and data version, shared by every section (and every report of
a batch kernel) that shows the same series; and a stopwatch of where a report's time goes.

The key is the data folder's cache key (path and every file's mtime and size, so an edited folder is
fitted again), the municipality and the series key of :class:`ivpanalysis.analysis.series.CountSeries`.
"""
from __future__ import annotations

import time
from collections import OrderedDict, defaultdict
from contextlib import contextmanager

from ivpanalysis.analysis import series as _series
from ivpanalysis.analysis import trend

#: fits kept per kernel (a batch kernel renders many municipalities, each a handful of series)
MAX_FITS = 8192
_FITS: OrderedDict = OrderedDict()
#: seconds per kind of work ("fits", "charts") since the kernel started; read by benchmarks/batch.py
SECONDS: dict[str, float] = defaultdict(float)


@contextmanager
def timed(kind: str):
    """Add the block's wall-clock seconds to :data:`SECONDS` under ``kind``."""
    t = time.perf_counter()
    try:
        yield
    finally:
        SECONDS[kind] += time.perf_counter() - t


def _min_annual() -> int:
    """The fewest years the trend module gives a trend on (its report setting when it has one)."""
    return max(_series.MIN_YEARS, getattr(trend, "MIN_ANNUAL_POINTS", _series.MIN_YEARS))


def fit(folder: tuple, code: str, s: _series.CountSeries, name: str, label: str) -> trend.TrendResult:
    """:func:`trend.fit_trend` of ``s`` (annual series need :func:`_min_annual` years), cached."""
    key = (folder, code, s.key)
    if key in _FITS:
        _FITS.move_to_end(key)
        return _FITS[key]
    kw = {"region_name": name, "measure_label": label}
    if s.kind == "annual" and hasattr(trend, "MIN_ANNUAL_POINTS"):
        kw["min_annual_points"] = _min_annual()
    with timed("fits"):
        res = trend.fit_trend(s.values, **kw)
    _FITS[key] = res
    if len(_FITS) > MAX_FITS:
        _FITS.popitem(last=False)
    return res
