"""Is a change between two yearly counts beyond chance? A conditional test with size-dependent noise.

Registered crime varies more than Poisson from year to year, and how much more depends on the size
of the count and on how many years lie between the compared periods. On the real 47018NED pairs of
Dutch municipalities the negative-binomial α (variance μ + αμ²) falls from ≈ 0,035 for two-year
totals of 20–50 to ≈ 0,005 above 5.000, and grows with the gap. So α is estimated per crime type,
size band and gap (``data/codes/overdispersion.csv``, fitted by ``scripts/estimate_overdispersion.py``),
interpolated in log size between the bands (:class:`NoiseModel`).

Test: under "no change" two counts with the same mean give ``k₂ | k₁+k₂ = n`` ~ Beta-binomial(n, 1/α,
1/α), α taken at that n (the binomial when α = 0). Exact up to :data:`EXACT_MAX`; beyond it a normal
approximation with the same mean and variance, so time and memory do not grow with the count. Each
change also gets a 95 % interval of the ratio of the levels (log scale, delta method).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from ivpanalysis import paths

#: below this total of the two years, a change is "too small to interpret": even a doubling
#: (e.g. 7 → 13) is not distinguishable from chance at α = 5 %, and percentages shout.
MIN_TOTAL = 20
LEVEL = 0.05
#: two-year totals above this use the normal approximation (exact sums would need arrays as long as n)
EXACT_MAX = 20_000
#: the longest gap in years with its own row in the table; longer gaps use this one
MAX_GAP = 6
Z95 = float(stats.norm.ppf(0.975))
#: the test's name in the police table's attrs: the conditional beta-binomial test with α by crime
#: type, size band and gap (data/codes/overdispersion.csv), normal approximation above EXACT_MAX
TEST_NAME = "betabinomial-conditional/alpha-by-type-size-gap"


#: size bands of the two-year total n = k₁ + k₂ in which α is estimated; the table gives each band's
#: anchor (the median n of the pairs it was estimated on), ANCHORS are the geometric middles used
#: when a model is built without the table (the open top band's: 5.000·√10)
BANDS = ((20, 50), (50, 200), (200, 500), (500, 5000), (5000, math.inf))
ANCHORS = tuple(round(math.sqrt(lo * hi)) if hi < math.inf else round(lo * math.sqrt(10)) for lo, hi in BANDS)


@dataclass(frozen=True)
class NoiseModel:
    """Variance of a yearly count around its level: ``V(μ) = μ + α(2μ)·μ²`` (Poisson when α = 0).

    ``alphas``: α per size band of :data:`BANDS` (by two-year total n = 2μ), interpolated linearly in
    log n between the bands' ``anchors`` (where each was estimated) and constant beyond the first
    and last; one number means the same α at every size.
    """

    alphas: tuple = (0.0,)
    anchors: tuple = ANCHORS
    gap: int = 1
    series: str = "*"
    pooled: bool = False

    def alpha_at(self, mu):
        """The negative-binomial α at level ``mu`` (two-year total 2μ)."""
        mu = np.asarray(mu, dtype=float)
        if len(self.alphas) == 1:
            return np.full(mu.shape, float(self.alphas[0]))
        logn = np.log(np.maximum(2 * mu, 1.0))
        return np.interp(logn, np.log(np.asarray(self.anchors, dtype=float)), np.asarray(self.alphas, dtype=float))

    @property
    def alpha(self) -> float:
        """α of the largest counts (the last band): the single-number summary of the model."""
        return float(self.alphas[-1])

    def variance(self, mu):
        """V(μ) of one count with expected value ``mu``."""
        mu = np.asarray(mu, dtype=float)
        return mu + self.alpha_at(mu) * mu ** 2

    def log_variance(self, mu):
        """Variance of log(count) by the delta method: V(μ)/μ² (inf at μ = 0)."""
        mu = np.asarray(mu, dtype=float)
        safe = np.where(mu > 0, mu, 1.0)
        return np.where(mu > 0, self.variance(safe) / safe ** 2, np.inf)

    def as_dict(self) -> dict:
        return asdict(self)


POISSON = NoiseModel()


def _as_model(alpha) -> NoiseModel:
    """A :class:`NoiseModel` from a model or a plain NB α (the older interface)."""
    return alpha if isinstance(alpha, NoiseModel) else NoiseModel((float(alpha),))


@dataclass(frozen=True)
class ChangeTest:
    """Result of :func:`change_test` for one pair of counts."""

    k1: float
    k2: float
    alpha: float
    p_value: float
    verdict: str  # "yes" | "no" | "too_small" | "" (missing count)
    ratio_lower: float = math.nan
    ratio_upper: float = math.nan

    @property
    def lower_pct(self) -> float:
        return 100.0 * (self.ratio_lower - 1.0)

    @property
    def upper_pct(self) -> float:
        return 100.0 * (self.ratio_upper - 1.0)


def _exact_p(n: np.ndarray, k: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Two-sided exact p of k₂ = k given n under Beta-binomial(n, 1/a, 1/a) (binomial where a = 0).

    One cumulative distribution per distinct (n, a), of length n + 1 ≤ EXACT_MAX + 1.
    """
    out = np.ones(n.shape)
    keys = np.column_stack([n, a])
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    for j, (nn, aa) in enumerate(uniq):
        idx = np.flatnonzero(inv.ravel() == j)
        if nn <= 0:
            continue
        x = np.arange(int(nn) + 1)  # unfrozen calls: freezing a scipy distribution costs more than the pmf
        cdf = np.cumsum(stats.betabinom.pmf(x, int(nn), 1 / aa, 1 / aa) if aa > 0 else stats.binom.pmf(x, int(nn), 0.5))
        kk = k[idx].astype(int)
        lower = cdf[kk]
        upper = 1.0 - np.where(kk > 0, cdf[np.maximum(kk - 1, 0)], 0.0)
        out[idx] = np.minimum(1.0, 2 * np.minimum(lower, upper))
    return out


def _normal_p(n: np.ndarray, k: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Two-sided p from a normal with the beta-binomial's mean n/2 and variance, with continuity correction."""
    with np.errstate(divide="ignore", invalid="ignore"):
        infl = np.where(a > 0, (n + 2 / np.where(a > 0, a, 1)) / (1 + 2 / np.where(a > 0, a, 1)), 1.0)
        sd = np.sqrt(n / 4 * infl)
        z = np.maximum(np.abs(k - n / 2) - 0.5, 0) / sd
    return np.minimum(1.0, 2 * stats.norm.sf(z))


def p_value(k1, k2, alpha: float | NoiseModel = 0.0):
    """Two-sided p-value(s) of the conditional test; NaN where a count is missing.

    ``alpha``: a :class:`NoiseModel` (φ, α of the series and gap) or a plain NB α. Time and memory
    do not depend on the size of the counts (normal approximation above :data:`EXACT_MAX`).
    """
    model = _as_model(alpha)
    k1 = np.asarray(k1, dtype=float)
    k2 = np.asarray(k2, dtype=float)
    n = k1 + k2
    ok = np.isfinite(n) & (n > 0)
    nn = np.where(ok, n, 0.0)
    kk = np.where(ok, k2, 0.0)
    a = model.alpha_at(nn / 2)
    big = nn > EXACT_MAX
    p = np.ones(np.shape(nn))
    p = np.where(big, _normal_p(nn, kk, a), p)
    small = ~big & ok
    if small.any():
        p[small] = _exact_p(nn[small], kk[small], a[small])
    p = np.where(ok, p, np.where(np.isfinite(n), 1.0, np.nan))
    return p if p.ndim else float(p)


def ratio_interval(k1, k2, model: NoiseModel, level: float = 0.95) -> tuple:
    """95 % interval of the ratio of the levels behind ``k2`` and ``k1`` (NaN where either is 0 or missing).

    log(k₂/k₁) ± z·√(V(k₁)/k₁² + V(k₂)/k₂²): the delta method under the noise model.
    """
    k1 = np.asarray(k1, dtype=float)
    k2 = np.asarray(k2, dtype=float)
    ok = np.isfinite(k1) & np.isfinite(k2) & (k1 > 0) & (k2 > 0)
    z = float(stats.norm.ppf(0.5 + level / 2))
    s1, s2 = np.where(ok, k1, 1.0), np.where(ok, k2, 1.0)
    sd = np.sqrt(model.log_variance(s1) + model.log_variance(s2))
    lo = np.where(ok, np.exp(np.log(s2 / s1) - z * sd), np.nan)
    hi = np.where(ok, np.exp(np.log(s2 / s1) + z * sd), np.nan)
    return (float(lo), float(hi)) if lo.ndim == 0 else (lo, hi)


def verdicts(k1, k2, alpha: float | NoiseModel = 0.0, level: float = LEVEL, min_total: int = MIN_TOTAL,
             p=None) -> np.ndarray:
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


def change_test(k1: float, k2: float, alpha: float | NoiseModel = 0.0, level: float = LEVEL,
                min_total: int = MIN_TOTAL) -> ChangeTest:
    """Test one change from ``k1`` (earlier period) to ``k2``, with the ratio's 95 % interval."""
    model = _as_model(alpha)
    p = float(p_value(k1, k2, model))
    lo, hi = ratio_interval(k1, k2, model)
    verdict = str(verdicts([k1], [k2], model, level, min_total, p=[p])[0])
    return ChangeTest(k1, k2, model.alpha, p, verdict, lo, hi)


# --- the fitted table ---------------------------------------------------------------------------------

def band_of(n) -> np.ndarray:
    """Index of the :data:`BANDS` band of two-year totals ``n`` (−1 below the first)."""
    edges = np.array([lo for lo, _ in BANDS] + [math.inf])
    return np.digitize(np.asarray(n, dtype=float), edges) - 1


def standardised_changes(k1, k2, ratio, model: NoiseModel) -> np.ndarray:
    """(k₂ − R·k₁)/√(V(μ₂) + R²V(μ₁)) with μ₁ = (k₁+k₂)/(1+R), μ₂ = R·μ₁: ≈ N(0, 1) when the model holds."""
    k1 = np.asarray(k1, dtype=float)
    k2 = np.asarray(k2, dtype=float)
    r = np.broadcast_to(np.asarray(ratio, dtype=float), k1.shape)
    mu1 = (k1 + k2) / (1 + r)
    a = model.alpha_at((k1 + k2) / 2)
    v = r * mu1 + r ** 2 * mu1 + a * ((r * mu1) ** 2 + r ** 2 * mu1 ** 2)
    return (k2 - r * k1) / np.sqrt(v)


def estimate_alpha(k1, k2, ratio=None) -> float:
    """Method-of-moments α of NB2 counts from pairs of years across units (used per size band).

    With ``ratio`` R (the common change of all units; one number or one per pair), d = k₂ − R·k₁
    has variance ≈ k₂ + R²k₁ + α(k₂² + R²k₁²); α = Σ(d² − (k₂ + R²k₁)) / Σ(k₂² + R²k₁²), floored
    at 0. Removing the common change keeps national trends out of the noise estimate.
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
def _table() -> pd.DataFrame:
    return pd.read_csv(paths.CODES_DIR / "overdispersion.csv", dtype={"soortmisdrijf": str})


@lru_cache(maxsize=None)
def _code_of(series: str | None) -> str:
    """The table row for a series: its SoortMisdrijf code, a category's one code, else ``*`` (pooled)."""
    from ivpanalysis.ingest.categories import codes_of

    key = series or ""
    have = {code for code, _ in _models()}
    if key in have:
        return key
    try:
        codes = codes_of(key)
    except LookupError:
        codes = []
    return codes[0] if len(codes) == 1 and codes[0] in have else "*"


@lru_cache(maxsize=1)
def _models() -> dict[tuple[str, int], NoiseModel]:
    """Every (code, gap) model of the table, built once."""
    out = {}
    for (code, gap), rows in _table().sort_values("n_low").groupby(["soortmisdrijf", "gap"], sort=False):
        out[(code, int(gap))] = NoiseModel(tuple(float(a) for a in rows["alpha"]),
                                           tuple(float(a) for a in rows["anchor_n"]), int(gap), code,
                                           bool(rows["pooled"].all()))
    return out


def model_for(series: str | None, gap: int = 1) -> NoiseModel:
    """The noise model of a series (SoortMisdrijf code or category key) for periods ``gap`` years apart.

    Series without rows of their own (totals, sums of codes, nuisance reports) use the pooled ``*``
    model; gaps above :data:`MAX_GAP` use the longest gap's rows.
    """
    return _models()[(_code_of(series), int(min(max(int(gap), 1), MAX_GAP)))]


def alpha_for(series: str | None, gap: int = 1, mu: float | None = None) -> float:
    """α of a series' noise model: that of the largest counts or, with ``mu``, the α at that mean
    (kept for callers of the single-α API; :func:`model_for` gives the whole model)."""
    m = model_for(series, gap)
    return m.alpha if mu is None else float(m.alpha_at(mu))


def simulate_counts(mu, model: NoiseModel, size, rng: np.random.Generator) -> np.ndarray:
    """Counts with mean ``mu`` and variance V(μ) of ``model`` (gamma-Poisson with α_eff(μ); simulated data)."""
    mu = np.broadcast_to(np.asarray(mu, dtype=float), size)
    a = np.broadcast_to(model.alpha_at(mu), size)
    lam = np.where(a > 0, rng.gamma(1 / np.where(a > 0, a, 1), mu * a), mu)
    return rng.poisson(lam)


def simulate_type1(mean: float, alpha: float | NoiseModel, test_alpha: float | NoiseModel, reps: int = 20000,
                   seed: int = 0, level: float = LEVEL) -> float:
    """Simulated share of 'significant' verdicts when nothing changed (labelled: simulated data).

    Counts are drawn with the noise of ``alpha`` (a model or NB α) for two years with the same mean;
    the test is run with ``test_alpha``. Only pairs that are not 'too small' count.
    """
    rng = np.random.default_rng(seed)
    k = simulate_counts(mean, _as_model(alpha), (reps, 2), rng)
    v = verdicts(k[:, 0], k[:, 1], test_alpha, level)
    judged = v != "too_small"
    return float((v[judged] == "yes").mean()) if judged.any() else float("nan")
