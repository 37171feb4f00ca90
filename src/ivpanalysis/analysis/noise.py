"""Is a change between two yearly counts beyond chance? An exact conditional test with overdispersion.

Under "no change", two counts k₁, k₂ with the same mean give k₂ | k₁+k₂ ~ Binomial(n, ½) when
they are Poisson. Crime counts vary more than Poisson from year to year: with negative-binomial
counts (variance μ + αμ²) the same conditioning gives k₂ | n ~ Beta-binomial(n, 1/α, 1/α), which
tends to the binomial as α → 0. We use that exact conditional test with α estimated from real
yearly series (``data/codes/overdispersion.csv``, built by ``scripts/estimate_overdispersion.py``
from 47018NED per gemeente), so a change is called significant only when it exceeds ordinary
year-to-year variation, not merely Poisson noise.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from ivpanalysis import paths

#: below this total of the two years, a change is "too small to interpret": even a doubling
#: (e.g. 7 → 13) is not distinguishable from chance at α = 5 %, and percentages shout.
MIN_TOTAL = 20
LEVEL = 0.05
TEST_NAME = "exact conditional test, k2 | k1+k2 ~ beta-binomial(n, 1/alpha, 1/alpha) (binomial(n, 1/2) when alpha = 0)"


@dataclass(frozen=True)
class ChangeTest:
    """Result of :func:`change_test` for one pair of counts."""

    k1: float
    k2: float
    alpha: float
    p_value: float
    verdict: str  # "yes" | "no" | "too_small" | "" (missing count)


def p_value(k1, k2, alpha: float = 0.0):
    """Two-sided p-value(s) of the exact conditional test; NaN where a count is missing."""
    k1 = np.asarray(k1, dtype=float)
    k2 = np.asarray(k2, dtype=float)
    n = k1 + k2
    ok = np.isfinite(n) & (n > 0)
    nn = np.where(ok, n, 0).astype(int)
    kk = np.where(ok, k2, 0).astype(int)
    if alpha > 0:
        r = 1.0 / alpha
        dist = stats.betabinom(nn, r, r)
    else:
        dist = stats.binom(nn, 0.5)
    lower = dist.cdf(kk)
    upper = dist.sf(kk - 1)
    p = np.minimum(1.0, 2 * np.minimum(lower, upper))
    p = np.where(ok, p, np.where(np.isfinite(n), 1.0, np.nan))
    return p if p.ndim else float(p)


def verdicts(k1, k2, alpha: float = 0.0, level: float = LEVEL, min_total: int = MIN_TOTAL, p=None) -> np.ndarray:
    """``yes``/``no``/``too_small`` per pair; empty string where a count is missing.

    ``p``: the pairs' :func:`p_value` when the caller has them already.
    """
    k1 = np.asarray(k1, dtype=float)
    k2 = np.asarray(k2, dtype=float)
    p = np.asarray(p_value(k1, k2, alpha) if p is None else p, dtype=float)
    n = k1 + k2
    out = np.where(p < level, "yes", "no").astype(object)
    out = np.where(n < min_total, "too_small", out)
    return np.where(np.isfinite(n), out, "")


def change_test(k1: float, k2: float, alpha: float = 0.0, level: float = LEVEL, min_total: int = MIN_TOTAL) -> ChangeTest:
    """Test one change from ``k1`` (previous year) to ``k2``."""
    p = float(p_value(k1, k2, alpha))
    return ChangeTest(k1, k2, alpha, p, str(verdicts([k1], [k2], alpha, level, min_total, p=[p])[0]))


def estimate_alpha(k1, k2, ratio=None) -> float:
    """Method-of-moments α of NB2 counts from pairs of consecutive years across units.

    With ``ratio`` R (the common change of all units, e.g. the national one; one number, or one per
    pair when pairs of several types or years are pooled), the deviation
    d = k₂ − R·k₁ has variance ≈ k₂ + R²k₁ + α(k₂² + R²k₁²); α = Σ(d² − (k₂ + R²k₁)) / Σ(k₂² + R²k₁²),
    floored at 0. Removing the common change keeps national trends out of the noise estimate.
    """
    k1 = np.asarray(k1, dtype=float)
    k2 = np.asarray(k2, dtype=float)
    r = np.broadcast_to(np.asarray(1.0 if ratio is None else ratio, dtype=float), k1.shape)
    keep = np.isfinite(k1) & np.isfinite(k2)
    k1, k2, r = k1[keep], k2[keep], r[keep]
    d = k2 - r * k1
    den = (k2 ** 2 + r ** 2 * k1 ** 2).sum()
    return max(0.0, float((d ** 2 - (k2 + r ** 2 * k1)).sum() / den)) if den > 0 else 0.0


@lru_cache(maxsize=1)
def _alpha_table() -> pd.DataFrame:
    return pd.read_csv(paths.CODES_DIR / "overdispersion.csv", dtype={"soortmisdrijf": str})


def alpha_for(series: str | None) -> float:
    """Year-to-year overdispersion α of a series: a SoortMisdrijf code (``1.1.1``) or a report
    category key (``woninginbraak``, through its one code); the pooled value for anything else
    (totals, sums of codes, nuisance reports)."""
    from ivpanalysis.ingest.categories import codes_of

    by_code = dict(zip(_alpha_table()["soortmisdrijf"], _alpha_table()["alpha"]))
    key = series or ""
    if key not in by_code:
        try:
            codes = codes_of(key)
        except LookupError:
            codes = []
        key = codes[0] if len(codes) == 1 else "*"
    return float(by_code.get(key, by_code["*"]))


def simulate_type1(mean: float, alpha: float, test_alpha: float, reps: int = 20000, seed: int = 0,
                   level: float = LEVEL) -> float:
    """Simulated share of 'significant' verdicts when nothing changed (labelled: simulated data).

    Counts are drawn as NB2(mean, ``alpha``) (Poisson when ``alpha`` = 0) for two years with the same
    mean; the test is run with ``test_alpha``. Only pairs that are not 'too small' count.
    """
    rng = np.random.default_rng(seed)
    if alpha > 0:
        lam = rng.gamma(1 / alpha, mean * alpha, size=(reps, 2))
    else:
        lam = np.full((reps, 2), float(mean))
    k = rng.poisson(lam)
    v = verdicts(k[:, 0], k[:, 1], test_alpha, level)
    judged = v != "too_small"
    return float((v[judged] == "yes").mean()) if judged.any() else float("nan")
