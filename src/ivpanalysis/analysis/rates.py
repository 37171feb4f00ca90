"""Rates per 1.000 with the denominator each indicator needs: inhabitants, dwellings, young people 12–24.

Denominators come from the data folder's population table (measure keys below), never from a
guess: when a year's denominator is missing the rate is missing and :func:`per_1000` says which.
"""
from __future__ import annotations

import math

import pandas as pd

from ivpanalysis.ingest.denominators import DENOMINATORS, denominator  # noqa: E402,F401


class MissingDenominator(LookupError):
    """A rate was asked for but the data hold no denominator for that region and year."""


def per_1000(count: float, code: str, year: int, kind: str, population: pd.DataFrame) -> float:
    """``count`` per 1.000 of the ``kind`` denominator of ``code`` in ``year``.

    Raises :class:`MissingDenominator` naming region, year and denominator when the data lack it.
    A missing count gives NaN.
    """
    den = denominator(population, code, kind)
    d = den.get(year, math.nan)
    if pd.isna(d) or d <= 0:
        have = ", ".join(str(y) for y in den.dropna().index) or "none"
        raise MissingDenominator(
            f"no {DENOMINATORS[kind][1]} for {code} in {year} in the population table "
            f"(years present: {have}); add it with `ivpanalysis fetch` or a CBS population file")
    return math.nan if pd.isna(count) else 1000.0 * float(count) / float(d)


def rate_series(counts: pd.Series, code: str, kind: str, population: pd.DataFrame) -> pd.Series:
    """Rates per 1.000 for a yearly count series; every year needs its denominator (else MissingDenominator)."""
    return pd.Series({y: per_1000(v, code, y, kind, population) for y, v in counts.items()}, dtype=float)
