"""Trend lines on crime counts with honest uncertainty: a negative-binomial regression.

``fit_trend`` fits ``log E[y_t] = log(population_t) + b0 + b1·t + season + covid + break`` to a
series of counts (monthly, quarterly or annual), with ``t`` in years, so ``exp(b1) − 1`` is the
average change per year. Counts vary more than Poisson (NB2: Var = μ + αμ²); α is estimated by
the Pearson moment rule (or profile likelihood). The July 2018 registration change and the COVID
period are model terms by default for any series that spans them. Real monthly residuals are
autocorrelated, so the coefficients' covariance is a GEE-type sandwich with a working correlation
``c(k) = s·ρ^k`` (AR(1) latent level plus independent count noise) estimated from the Pearson
residuals; a lag-1 test on the same residuals says when they are correlated. The report asks for
at least :data:`MIN_ANNUAL_POINTS` annual points (``min_annual_points``); shorter series get status
``too_short``: no trend can be told from them.
``project`` turns a fit into an expected count for a target year with a prediction interval and
the probability of ending below a target. This module returns numbers and codes only; the Dutch
sentences are in :mod:`ivpanalysis.present.trend_text` (see docs/methods-trend.md).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError

#: default COVID window (first and last month, inclusive)
COVID_DEFAULT = ("2020-03", "2021-06")
#: July 2018: related offences in one incident registered separately since (47013NED metadata)
REGISTRATION_BREAK = "2018-07"
#: below this mean count per month the series is aggregated to quarters
MIN_MEAN_PER_PERIOD = 10.0
#: fewer events than this in the whole series: no trend is estimated
MIN_EVENTS = 10
#: residual degrees of freedom needed to estimate α from the series itself
MIN_DF_FOR_ALPHA = 8
#: the report's minimum of annual points: shorter series get status ``too_short`` there (pass it as
#: ``min_annual_points``); below it a trend is hardly told from chance (see docs/methods-trend.md)
MIN_ANNUAL_POINTS = 8
#: lags of the residual autocorrelation used to estimate the working correlation, by frequency
ACF_LAGS = {"M": 6, "Q": 3, "Y": 2}
#: one-sided level of the residual lag-1 autocorrelation check
RESIDUAL_CHECK_LEVEL = 0.05
#: largest AR coefficient of the working correlation (keeps the covariance finite)
RHO_MAX = 0.95
ALPHA_BOUNDS = (1e-8, 10.0)
LEVEL = 0.95

_MONTHS_IN = {"M": 1, "Q": 3, "Y": 12}
_COV_TYPES = ("ar1", "model", "hac")
_DISPERSION_KIND = {"pearson": "estimated", "ml": "estimated", "borrowed": "borrowed", "caller": "fixed", "none": "fixed"}


@dataclass
class TrendResult:
    """Result of :func:`fit_trend`: numbers and codes, no sentences.

    ``status`` is ``ok``, ``no_data`` (every value zero or missing), ``too_few`` (fewer than
    :data:`MIN_EVENTS` events or too few usable periods), ``too_short`` (an annual series of fewer
    than :data:`MIN_ANNUAL_POINTS` years) or ``failed``; only ``ok`` carries numbers, the others carry
    NaN and a ``reason`` (a dict with a ``code`` and the figures that explain it). ``notes`` are
    dicts with a ``code`` too. Percentages are in percent units (−3.3 is −3,3 % a year);
    ``change_per_year`` and ``change_ci`` give the same as fractions.
    :func:`ivpanalysis.present.trend_text.summary` writes the Dutch text.
    """

    status: str
    pct_per_year: float = float("nan")
    pct_ci_low: float = float("nan")  # the interval of pct_per_year, in %
    pct_ci_high: float = float("nan")
    p_value: float = float("nan")
    level: float = LEVEL
    #: by period: period, observed, expected (full model: season, COVID), fitted (the trend line:
    #: average season, no COVID dip), lower/upper (pointwise band of the trend line)
    fitted: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: formula, family, alpha, alpha_method, n, frequency, terms, covariance, offset, …
    model: dict = field(default_factory=dict)
    #: pearson_dispersion, resid_acf (lags 1..k), resid_lag1, resid_lag1_p, autocorrelated,
    #: working_rho, working_share, variance_inflation, df_resid
    diagnostics: dict = field(default_factory=dict)
    frequency: str = ""  # frequency the model was fitted on: M, Q or Y
    input_frequency: str = ""
    aggregated_to: str | None = None  # "Q" or "Y" when the input was aggregated before fitting
    region_name: str = ""
    measure_label: str = ""
    reason: dict = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)
    #: the input series on its own frequency (missing periods NaN), for the chart
    observed: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    # internals for project(): parameter estimates, covariance, dispersion, design spec
    params: pd.Series = field(default_factory=lambda: pd.Series(dtype=float), repr=False)
    cov: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    alpha: float = float("nan")
    _spec: dict = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def simulated(self) -> bool:
        """The counts are simulated (``attrs['simulated']``), not observations."""
        return bool(self.observed.attrs.get("simulated", False))

    @property
    def change_per_year(self) -> float:
        """Average change per year as a fraction (−0.05 is −5 % a year)."""
        return self.pct_per_year / 100.0

    @property
    def ci_low(self) -> float:
        """Lower end of the confidence interval of :attr:`change_per_year`, as a fraction (the contract)."""
        return self.pct_ci_low / 100.0

    @property
    def ci_high(self) -> float:
        """Upper end of the confidence interval of :attr:`change_per_year`, as a fraction."""
        return self.pct_ci_high / 100.0

    @property
    def change_ci(self) -> tuple[float, float]:
        """The confidence interval of :attr:`change_per_year`, as fractions."""
        return self.ci_low, self.ci_high


@dataclass
class Projection:
    """Result of :func:`project`: the expected count in ``year`` with a prediction interval.

    The interval holds parameter uncertainty (coefficients drawn from their estimated covariance)
    and the year's own variation (negative binomial, periods correlated as the working
    correlation says). ``prob_below`` is P(count < target). ``population_assumed`` is True when
    the last known population stood in for the year's.
    """

    year: int
    status: str
    expected: float = float("nan")
    lower: float = float("nan")
    upper: float = float("nan")
    level: float = LEVEL
    target: float | None = None
    prob_below: float = float("nan")
    n_sims: int = 0
    seed: int = 0
    population: float | None = None
    population_assumed: bool = False
    reason: dict = field(default_factory=dict)
    draws: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)


# --- input --------------------------------------------------------------------------------------

def _freq_letter(index: pd.PeriodIndex) -> str:
    f = index.freqstr
    if f.startswith(("Y", "A")):
        return "Y"
    if f.startswith("Q"):
        return "Q"
    if f == "M":
        return "M"
    raise DataError.at("series", "unsupported period frequency", found=f, expected="monthly (M), quarterly (Q) or annual (Y) periods")


def _to_period_index(index: pd.Index, what: str = "series") -> pd.PeriodIndex:
    if isinstance(index, pd.PeriodIndex):
        return index
    if isinstance(index, pd.DatetimeIndex):
        if len(index) < 3:
            raise DataError.at(what, "cannot tell the frequency of fewer than three dates",
                               expected="a PeriodIndex (e.g. pd.period_range('2016-01', periods=60, freq='M'))")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas 3 announces an offset return value
            inferred = pd.infer_freq(index.sort_values())
        inferred = getattr(inferred, "freqstr", inferred)
        letter = {"MS": "M", "ME": "M", "M": "M"}.get(inferred or "", None)
        if letter is None and inferred:
            letter = "Q" if inferred.startswith(("QS", "QE", "Q")) else "Y" if inferred.startswith(("YS", "YE", "AS", "A", "Y")) else None
        if letter is None:
            raise DataError.at(what, "dates are not evenly monthly, quarterly or yearly", found=str(inferred),
                               expected="one date per month, quarter or year")
        return index.to_period(letter)
    if len(index) and all(isinstance(p, pd.Period) for p in index):
        freqs = {schema.freq_of(p) for p in index}
        if len(freqs) != 1:
            raise DataError.at(what, "periods of mixed frequency", found=", ".join(sorted(freqs)),
                               expected="one frequency (all months, all quarters or all years)")
        return pd.PeriodIndex(list(index))
    if pd.api.types.is_integer_dtype(index):
        return pd.PeriodIndex([pd.Period(year=int(y), freq="Y") for y in index])
    raise DataError.at(what, "index is not a time index", found=str(index.dtype),
                       expected="pandas Periods, dates or integer years")


def _from_tidy(df: pd.DataFrame) -> tuple[pd.Series, str, str]:
    missing = [c for c in ("period", "value") if c not in df.columns]
    if missing:
        raise DataError.at("frame", f"missing column(s) {', '.join(missing)}",
                           expected="a tidy frame with columns region_code, period, measure, value")
    for col in ("region_code", "measure"):
        if col in df.columns and df[col].nunique(dropna=False) > 1:
            shown = ", ".join(map(str, df[col].unique()[:5]))
            raise DataError.at("frame", f"more than one {col}", column=col, found=shown,
                               expected=f"rows of one {col} (select one before fitting a trend)")
    if len(df) == 0:
        raise DataError.at("frame", "no rows", expected="rows of one region and one measure")
    region = str(df["region_name"].iloc[0]) if "region_name" in df.columns else ""
    if not region and "region_code" in df.columns:
        region = schema.municipality_name(str(df["region_code"].iloc[0])) or str(df["region_code"].iloc[0])
    label = str(df["measure_label"].iloc[0]) if "measure_label" in df.columns else ""
    s = pd.Series(df["value"].to_numpy(dtype=float), index=list(df["period"]))
    s.attrs["measure"] = str(df["measure"].iloc[0]) if "measure" in df.columns else ""
    return s, region, label


def _clean_series(series) -> tuple[pd.Series, str, str, str, str]:
    """The series on a complete PeriodIndex (gaps NaN), its frequency letter, region, label and measure."""
    region = label = ""
    measure = ""
    if isinstance(series, pd.DataFrame):
        series, region, label = _from_tidy(series)
        measure = series.attrs.get("measure", "")
    elif not isinstance(series, pd.Series):
        raise DataError.at("series", "not a pandas Series or tidy frame", found=type(series).__name__,
                           expected="a Series of counts indexed by period, or a tidy frame of one region and measure")
    if len(series) == 0:
        raise DataError.at("series", "empty series", expected="counts for at least three periods")
    idx = _to_period_index(series.index)
    if idx.has_duplicates:
        dup = ", ".join(map(str, idx[idx.duplicated()].unique()[:5]))
        raise DataError.at("series", "duplicated periods", found=dup, expected="one value per period")
    freq = _freq_letter(idx)
    try:
        values = pd.to_numeric(pd.Series(np.asarray(series.values), index=idx), errors="raise").astype(float)
    except (TypeError, ValueError) as e:
        raise DataError.at("series", "values are not numeric", found=str(e), expected="counts (numbers; NaN when missing)") from None
    if (values < 0).any():
        bad = ", ".join(str(p) for p in values.index[values < 0][:5])
        raise DataError.at("series", "negative counts", found=bad, expected="counts ≥ 0 (NaN when missing)")
    values = values.sort_index()
    full = pd.period_range(values.index.min(), values.index.max(), freq=values.index.freq)
    values = values.reindex(full)
    region = region or str(series.attrs.get("region_name", "") or "")
    label = label or str(series.attrs.get("measure_label", "") or "")
    measure = measure or str(series.attrs.get("measure", "") or "")
    return values, freq, region, label, measure


def _aggregate(values: pd.Series, to: str) -> pd.Series:
    """Sum to quarters or years; a period with any month missing (or outside the series) is NaN."""
    target = values.index.asfreq(to)
    per = _MONTHS_IN[to] // _MONTHS_IN[_freq_letter(values.index)]
    grouped = values.groupby(target)
    out = grouped.sum(min_count=1)
    complete = grouped.count() == per
    out[~complete] = np.nan
    out.index = pd.PeriodIndex(out.index, freq=to)
    return out


# --- design -------------------------------------------------------------------------------------

def _month0(p: pd.Period) -> int:
    s = p.start_time
    return s.year * 12 + s.month - 1


def _months0(periods: pd.PeriodIndex) -> np.ndarray:
    """Month number (year·12 + month − 1) of each period's first month."""
    m = periods.asfreq("M", how="start") if _freq_letter(periods) != "M" else periods
    return m.year.to_numpy() * 12 + m.month.to_numpy() - 1


def _month_fraction(periods: pd.PeriodIndex, start: str | None, end: str | None) -> np.ndarray:
    """Share of each period's months that lie within [start, end] (either may be open)."""
    k = _MONTHS_IN[_freq_letter(periods)]
    lo = _month0(pd.Period(start, "M")) if start else -10**9
    hi = _month0(pd.Period(end, "M")) if end else 10**9
    months = _months0(periods)[:, None] + np.arange(k)[None, :]
    return ((months >= lo) & (months <= hi)).mean(axis=1)


def _design(periods: pd.PeriodIndex, spec: dict) -> pd.DataFrame:
    freq = _freq_letter(periods)
    k = _MONTHS_IN[freq]
    mid = _months0(periods) + (k - 1) / 2.0
    cols = {"const": np.ones(len(periods)), "t_years": (mid - spec["origin"]) / 12.0}
    if "season" in spec["terms"]:
        if freq == "M":
            month = periods.month.to_numpy()
            for m in range(2, 13):
                cols[f"month_{m:02d}"] = (month == m).astype(float)
        elif freq == "Q":
            quarter = periods.quarter.to_numpy()
            for q in range(2, 5):
                cols[f"quarter_{q}"] = (quarter == q).astype(float)
    if "covid" in spec["terms"]:
        cols["covid"] = _month_fraction(periods, *spec["covid"])
    if "break_2018" in spec["terms"]:
        cols["after_2018_07"] = _month_fraction(periods, spec["break"], None)
    return pd.DataFrame(cols, index=periods)


# --- population ---------------------------------------------------------------------------------

def _population_for(periods: pd.PeriodIndex, population, needed=None) -> np.ndarray:
    """Population per period: a number, or a Series by month, quarter or year (mean over months).

    ``needed`` (a boolean mask; default every period) marks the periods that must have one (those
    with a count); elsewhere a missing population is NaN.
    """
    if isinstance(population, (int, float, np.integer, np.floating)):
        if not population > 0:
            raise DataError.at("population", "population must be positive", found=str(population), expected="a number > 0")
        return np.full(len(periods), float(population))
    if not isinstance(population, pd.Series):
        raise DataError.at("population", "not a number or a Series", found=type(population).__name__,
                           expected="a number, or a Series of inhabitants by period or by year")
    pidx = _to_period_index(population.index, "population")
    pop = pd.Series(population.to_numpy(dtype=float), index=pidx)
    pfreq = _freq_letter(pidx)
    k = _MONTHS_IN[_freq_letter(periods)]
    out = np.empty(len(periods))
    needed = np.ones(len(periods), bool) if needed is None else np.asarray(needed, bool)
    missing = []
    by_key = {(_month0(p), _MONTHS_IN[pfreq]): v for p, v in pop.items()}
    for i, p in enumerate(periods):
        vals = []
        for m in range(_month0(p), _month0(p) + k):
            start = m - (m % _MONTHS_IN[pfreq]) if pfreq != "M" else m
            vals.append(by_key.get((start, _MONTHS_IN[pfreq]), np.nan))
        v = float(np.mean(vals))
        if not np.isfinite(v) or v <= 0:
            if needed[i]:
                missing.append(str(p))
            v = np.nan
        out[i] = v
    if missing:
        raise DataError.at("population", "population missing or not positive for some periods of the series",
                           found=", ".join(missing[:6]) + (" …" if len(missing) > 6 else ""),
                           expected="a positive population for every period with a count (by period or by year)")
    return out


# --- the fit ------------------------------------------------------------------------------------

def _irls(y, X, offset, alpha, start=None, max_iter=60, tol=1e-9):
    """NB2 (Poisson when α = 0) log-link GLM by iteratively reweighted least squares.

    Returns the coefficients, the fitted means and the Fisher information ``X'WX`` (W = μ/(1+αμ)).
    Own loop rather than statsmodels: the calibration suite fits hundreds of thousands of series.
    """
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, float)
    if start is None:
        beta = np.linalg.lstsq(X, np.log(y + 0.5) - off, rcond=None)[0]
    else:
        beta = np.asarray(start, float)
    for _ in range(max_iter):
        eta = np.clip(X @ beta + off, -30.0, 30.0)
        mu = np.exp(eta)
        w = mu / (1.0 + alpha * mu)
        z = eta - off + (y - mu) / mu
        xtw = X.T * w
        new = np.linalg.solve(xtw @ X, xtw @ z)
        done = np.max(np.abs(new - beta)) < tol * (1.0 + np.max(np.abs(beta)))
        beta = new
        if done:
            break
    mu = np.exp(np.clip(X @ beta + off, -30.0, 30.0))
    w = mu / (1.0 + alpha * mu)
    return beta, mu, (X.T * w) @ X


def _nb_loglik(y, mu, alpha) -> float:
    if alpha <= ALPHA_BOUNDS[0]:
        return float(stats.poisson.logpmf(y, mu).sum())
    n = 1.0 / alpha
    return float(stats.nbinom.logpmf(y, n, n / (n + mu)).sum())


def _profile_alpha(y, X, offset) -> float:
    """ML estimate of NB2 α: maximise the log-likelihood over log α, β refitted by IRLS each time."""
    def nll(log_a):
        a = float(np.exp(log_a))
        return -_nb_loglik(y, _irls(y, X, offset, a)[1], a)

    lo, hi = np.log(ALPHA_BOUNDS[0]), np.log(ALPHA_BOUNDS[1])
    res = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-3})
    # the bounded search stops near, not at, a boundary; keep the better of the two
    return ALPHA_BOUNDS[0] if nll(lo) <= res.fun else float(np.exp(res.x))


def _pearson_alpha(y, X, offset) -> float:
    """Moment estimate of NB2 α (Breslow 1984): Pearson χ² equals its degrees of freedom n − p.

    Less biased than ML in short series, because it counts the degrees of freedom spent on the
    coefficients. Alternates: fit the coefficients at the current α (IRLS), then solve
    Σ (y − μ)² / (μ + αμ²) = n − p for α with μ held; stops when α settles. Returns the lower
    bound (≈ Poisson) when even α → 0 leaves χ² below n − p.
    """
    df = len(y) - X.shape[1]
    a_lo, a_hi = ALPHA_BOUNDS
    a, start = 0.0, None
    for _ in range(50):
        start, mu, _info = _irls(y, X, offset, max(a, a_lo), start=start)
        r2 = (y - mu) ** 2

        def excess(al):
            return float((r2 / (mu + al * mu ** 2)).sum()) - df

        if excess(a_lo) <= 0:
            new = a_lo
        elif excess(a_hi) >= 0:
            new = a_hi
        else:
            new = float(optimize.brentq(excess, a_lo, a_hi, xtol=1e-10, rtol=1e-8))
        if abs(np.log(new) - np.log(max(a, a_lo))) < 1e-5:
            return new
        a = new
    return a


def _external_alpha(measure: str) -> float:
    from ivpanalysis.analysis import noise

    return noise.alpha_for(measure or None)


def _dispersion(y, X, offset, freq: str, family: str, alpha, alpha_method: str, measure: str) -> tuple[float, str]:
    """NB2 α and how it was found: ``none`` (Poisson), ``caller``, ``pearson``, ``ml`` or ``borrowed``.

    Annual series with fewer than :data:`MIN_DF_FOR_ALPHA` residual degrees of freedom borrow the
    year-to-year α of municipalities (:mod:`ivpanalysis.analysis.noise`).
    """
    if family == "poisson":
        return 0.0, "none"
    if alpha is not None:
        return float(alpha), "caller"
    if len(y) - X.shape[1] >= MIN_DF_FOR_ALPHA or freq != "Y":
        if alpha_method == "ml":
            return _profile_alpha(y, X, offset), "ml"
        return _pearson_alpha(y, X, offset), "pearson"
    return _external_alpha(measure), "borrowed"


# --- residual correlation and covariance ---------------------------------------------------------

def _lag_pairs(pos: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) of observed periods exactly ``k`` periods apart (gaps respected; ``pos`` ascending)."""
    j = np.searchsorted(pos, pos + k)
    ok = j < len(pos)
    ok[ok] = pos[j[ok]] == pos[ok] + k
    return np.flatnonzero(ok), j[ok]


def _residual_acf(resid, hat, pos, lags: int) -> tuple[np.ndarray, np.ndarray]:
    """Autocorrelation of the Pearson residuals at lags 1..``lags``, less its value under independence.

    With p coefficients fitted, independent residuals are correlated by the fit itself (the month
    terms induce lag-12 correlation, the trend negative low-lag correlation): E[Σ e_i e_j] = −Σ H_ij
    over the pairs, so that expectation is subtracted. Returns the corrected acf and pair counts.
    """
    n, n_params = len(resid), int(round(np.trace(hat)))
    scale = float(resid @ resid) / n
    acf, counts = np.zeros(lags), np.zeros(lags, dtype=int)
    for k in range(1, lags + 1):
        i, j = _lag_pairs(pos, k)
        counts[k - 1] = len(i)
        if len(i) < 3 or scale <= 0:
            continue
        raw = float(resid[i] @ resid[j]) / len(i) / scale
        null = -float(hat[i, j].sum()) / len(i) / ((n - n_params) / n)
        acf[k - 1] = raw - null
    return acf, counts


def _working_correlation(acf: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """(ρ, s) of the working correlation c(k) = s·ρ^k fitted to the residual acf by least squares.

    s is the share of the residual variance that follows the AR(1) latent level; the rest is
    independent count noise. ρ on a grid 0..RHO_MAX; no correlation (0, 0) when the acf is not
    positive at lag 1.
    """
    use = counts >= 3
    if not use.any() or acf[0] <= 0:
        return 0.0, 0.0
    k = np.arange(1, len(acf) + 1)[use]
    r = acf[use]
    best = (np.inf, 0.0, 0.0)
    for rho in np.linspace(0.05, RHO_MAX, 19):
        g = rho ** k
        s = float(np.clip((g @ r) / (g @ g), 0.0, 1.0))
        sse = float(((r - s * g) ** 2).sum())
        if sse < best[0]:
            best = (sse, rho, s)
    return float(best[1]), float(best[2])


def _sandwich(X, w, pos, rho: float, share: float) -> np.ndarray:
    """Cov(β) = B⁻¹ X'√W R √W X B⁻¹ with R the working correlation (B = X'WX, W the GLM weights)."""
    lag = np.abs(pos[:, None] - pos[None, :])
    R = share * rho ** lag
    np.fill_diagonal(R, 1.0)
    xs = X * np.sqrt(w)[:, None]
    binv = np.linalg.inv(xs.T @ xs)
    return binv @ (xs.T @ R @ xs) @ binv


def _newey_west(X, w, resid, maxlags: int) -> np.ndarray:
    """Newey–West (HAC) sandwich on the GLM score contributions (kept for comparison only)."""
    xs = X * np.sqrt(w)[:, None]
    u = xs * resid[:, None]
    meat = u.T @ u
    for lag in range(1, maxlags + 1):
        g = u[lag:].T @ u[:-lag]
        meat += (1 - lag / (maxlags + 1)) * (g + g.T)
    binv = np.linalg.inv(xs.T @ xs)
    return binv @ meat @ binv


def _covariance(X, y, mu, a, pos, freq, cov_type, dispersion: str) -> tuple[np.ndarray, dict]:
    """Covariance of the coefficients and the residual diagnostics it rests on."""
    n, p = X.shape
    V = mu + a * mu ** 2
    w = mu ** 2 / V
    resid = (y - mu) / np.sqrt(V)
    xs = X * np.sqrt(w)[:, None]
    binv = np.linalg.inv(xs.T @ xs)
    hat = xs @ binv @ xs.T
    lags = min(ACF_LAGS[freq], max(1, n // 4))
    acf, counts = _residual_acf(resid, hat, pos, lags)
    pearson = float(resid @ resid / (n - p)) if n > p else float("nan")
    rho, share = _working_correlation(acf, counts) if cov_type == "ar1" else (0.0, 0.0)
    if cov_type == "ar1":
        cov = _sandwich(X, w, pos, rho, share)
    elif cov_type == "hac":
        cov = _newey_west(X, w, resid, min({"M": 12, "Q": 4, "Y": 1}[freq], max(1, n // 4)))
    else:
        cov = binv
    # a borrowed α is not the series' own: widen by the observed dispersion (never narrow)
    if dispersion == "borrowed" and np.isfinite(pearson) and pearson > 1:
        cov = cov * pearson
    lag1 = float(acf[0]) if counts[0] >= 6 else float("nan")
    lag1_p = float(stats.norm.sf(lag1 * np.sqrt(counts[0]))) if np.isfinite(lag1) and n >= 8 else float("nan")
    inflation = float(cov[1, 1] / binv[1, 1]) if binv[1, 1] > 0 else float("nan")
    diag = {"pearson_dispersion": pearson, "resid_acf": [float(v) for v in acf], "resid_lag1": lag1,
            "resid_lag1_p": lag1_p, "autocorrelated": bool(np.isfinite(lag1_p) and lag1_p < RESIDUAL_CHECK_LEVEL),
            "working_rho": rho, "working_share": share, "variance_inflation": inflation}
    return cov, diag


# --- series preparation and model terms ----------------------------------------------------------

def _no_result(status: str, values, freq, region, label, reason: dict, **kw) -> TrendResult:
    r = TrendResult(status=status, frequency=freq, input_frequency=kw.pop("input_frequency", freq),
                    region_name=region, measure_label=label, observed=values, reason=reason, **kw)
    r.fitted = pd.DataFrame(columns=["period", "observed", "expected", "fitted", "lower", "upper"])
    return r


def _observed_copy(values: pd.Series, series) -> pd.Series:
    """The input on its own frequency, carrying whether it is simulated (or a demonstration)."""
    observed = values.copy()
    attrs = dict(getattr(series, "attrs", {}))
    if isinstance(series, pd.DataFrame) and "kind" in series.columns:  # tidy rows carry their own label
        attrs["simulated"] = bool(attrs.get("simulated")) or bool((series["kind"] == "simulated").any())
    observed.attrs = {"simulated": bool(attrs.get("simulated", False)),
                      "demonstration": bool(attrs.get("demonstration", False))}
    return observed


def _prepare(values: pd.Series, freq: str, aggregate) -> tuple[pd.Series, str, str | None, list[dict]]:
    """Aggregate small monthly counts to quarters (``auto``) or to what the caller forces."""
    order = ["M", "Q", "Y"]
    if aggregate == "auto":
        mean = float(values.mean())
        if freq == "M" and mean < MIN_MEAN_PER_PERIOD and _aggregate(values, "Q").notna().sum() >= 3:
            note = {"code": "aggregated", "mean": mean, "threshold": MIN_MEAN_PER_PERIOD, "from": freq, "to": "Q"}
            return _aggregate(values, "Q"), "Q", "Q", [note]
        return values, freq, None, []
    if aggregate in ("Q", "Y"):
        if order.index(aggregate) < order.index(freq):
            raise DataError.at("series", f"cannot aggregate {freq} periods to {aggregate}", expected="a coarser frequency")
        if aggregate != freq:
            return _aggregate(values, aggregate), aggregate, aggregate, [{"code": "aggregated_forced", "to": aggregate}]
        return values, freq, None, []
    if aggregate is not None:
        raise ValueError(f"aggregate must be 'auto', None, 'Q' or 'Y', not {aggregate!r}")
    return values, freq, None, []


def _too_little(present: pd.Series, freq: str, min_annual: int) -> tuple[str, dict] | None:
    """(status, reason) when the usable periods cannot carry a trend, else None."""
    if float(present.sum()) < MIN_EVENTS or (present > 0).sum() < 3:
        return "too_few", {"code": "few_events", "events": float(present.sum()), "periods": len(present),
                           "first": str(present.index[0]), "last": str(present.index[-1]), "freq": freq}
    if freq == "Y" and len(present) < min_annual:
        return "too_short", {"code": "short_annual", "periods": len(present), "minimum": min_annual,
                             "first": str(present.index[0]), "last": str(present.index[-1]), "freq": freq}
    return None


def _wanted_terms(pidx: pd.PeriodIndex, freq: str, seasonal: bool, covid_window, registration_break: bool) -> list[str]:
    """Optional terms in the order they are dropped last-first: season, COVID, July 2018 break."""
    wanted = []
    if seasonal and freq in ("M", "Q"):
        wanted.append("season")
    for term, window, on in (("covid", covid_window, covid_window is not None),
                             ("break_2018", (REGISTRATION_BREAK, None), registration_break)):
        if on:
            frac = _month_fraction(pidx, *window)
            if (frac > 0).any() and (frac < 1).any():  # only for a series that spans it
                wanted.append(term)
    return wanted


def _model_terms(pidx: pd.PeriodIndex, freq: str, spec: dict, wanted: list[str]) -> tuple[pd.DataFrame, list[dict]]:
    """The design matrix: optional terms dropped (last asked first) until two residual df remain."""
    notes: list[dict] = []
    spec["terms"] = list(wanted)
    dropped = []
    while True:
        X = _design(pidx, spec)
        # a season with no observed period (e.g. every January missing) cannot be estimated
        empty = [c for c in X.columns if c.startswith(("month_", "quarter_")) and not X[c].any()]
        X = X.drop(columns=empty)
        if len(pidx) - X.shape[1] >= 2 or not spec["terms"]:
            break
        dropped.append(spec["terms"].pop())
    if empty:
        notes.append({"code": "season_incomplete", "missing": empty})
    notes.extend({"code": "term_dropped", "term": d, "n": len(pidx)} for d in dropped)
    return X, notes


def _covid_window(covid):
    if covid is True:
        return COVID_DEFAULT
    if covid:
        return (str(pd.Period(covid[0], "M")), str(pd.Period(covid[1], "M")))
    return None


def model_design(pidx: pd.PeriodIndex, *, covid=True, registration_break: bool = True, seasonal: bool = True,
                 offset: bool = False) -> tuple[pd.DataFrame, dict, list[dict]]:
    """Design matrix, spec and notes of :func:`fit_trend` for the observed periods ``pidx``."""
    freq = _freq_letter(pidx)
    spec = {"origin": _month0(pidx[0]) + (_MONTHS_IN[freq] - 1) / 2.0, "terms": [], "freq": freq,
            "covid": _covid_window(covid), "break": REGISTRATION_BREAK, "offset": offset}
    X, notes = _model_terms(pidx, freq, spec, _wanted_terms(pidx, freq, seasonal, spec["covid"], registration_break))
    return X, spec, notes


def _check_options(family, alpha_method, cov_type) -> None:
    if family not in ("nb", "poisson"):
        raise ValueError(f"family must be 'nb' or 'poisson', not {family!r}")
    if alpha_method not in ("pearson", "ml"):
        raise ValueError(f"alpha_method must be 'pearson' or 'ml', not {alpha_method!r}")
    if cov_type not in _COV_TYPES:
        raise ValueError(f"cov_type must be one of {', '.join(_COV_TYPES)}, not {cov_type!r}")


# --- intervals and the result --------------------------------------------------------------------

def _intervals(params: np.ndarray, cov: np.ndarray, df_resid: int, use_t: bool, level: float) -> dict:
    """% change per year with its interval and p-value (t quantiles on the residual df when α was estimated)."""
    # unfrozen calls: freezing a scipy distribution costs more than the two numbers taken from it
    ppf, sf = (lambda q: stats.t.ppf(q, df_resid), lambda x: stats.t.sf(x, df_resid)) if use_t \
        else (stats.norm.ppf, stats.norm.sf)
    quant = float(ppf(0.5 + level / 2))
    b, se = float(params[1]), float(np.sqrt(cov[1, 1]))
    return {"pct": float(100 * np.expm1(b)), "lo": float(100 * np.expm1(b - quant * se)),
            "hi": float(100 * np.expm1(b + quant * se)), "p": float(2 * sf(abs(b / se))), "quant": quant}


def _formula(spec: dict, columns) -> str:
    parts = ["1", "t_years"]
    if any(c.startswith("month_") for c in columns):
        parts.append("C(month)")
    if any(c.startswith("quarter_") for c in columns):
        parts.append("C(quarter)")
    if "covid" in columns:
        parts.append(f"covid[{spec['covid'][0]}..{spec['covid'][1]}]")
    if "after_2018_07" in columns:
        parts.append(f"after_{spec['break']}")
    f = "count ~ " + " + ".join(parts)
    if spec.get("offset"):
        f += " + offset(log(population))"
    return f


def _model_info(spec, X, a, a_method, cov_type, use_t, df_resid, pidx, params) -> dict:
    """What was fitted, as codes and figures (the text layer names them)."""
    cols = list(X.columns)
    return {
        "formula": _formula(spec, cols), "family": "poisson" if a_method == "none" else "nb2",
        "alpha": a, "alpha_method": a_method, "n": len(pidx), "n_params": len(cols),
        "frequency": spec["freq"], "terms": cols, "covariance": cov_type,
        "quantiles": "t" if use_t else "normal", "df_resid": df_resid,
        "covid_window": spec["covid"] if "covid" in spec["terms"] else None,
        "registration_break": REGISTRATION_BREAK if "break_2018" in spec["terms"] else None,
        "offset": "log(population)" if spec["offset"] else None,
        "first_period": str(pidx[0]), "last_period": str(pidx[-1]),
        "effects": {k: float(np.expm1(params[cols.index(k)])) for k in ("covid", "after_2018_07") if k in cols},
    }


def fit_trend(series, population=None, *, covid=True, registration_break: bool = True,
              seasonal: bool = True, aggregate: str | None = "auto", family: str = "nb",
              alpha: float | None = None, alpha_method: str = "pearson", cov_type: str = "ar1",
              level: float = LEVEL, min_annual_points: int = 3,
              region_name: str | None = None, measure_label: str | None = None,
              measure: str | None = None) -> TrendResult:
    """Fit a log-linear trend to counts and return the average % change per year with its CI.

    series: counts by pandas Period (M, Q or Y), dates or integer years, or a tidy frame of one
    region and measure; missing periods are NaN and left out (never read as 0). population: a
    number or Series by period/year, used as log offset (a trend of the rate). covid: True (window
    2020-03..2021-06), False or a (first, last) month pair. registration_break: a level shift from
    July 2018 for any series that spans it (default on). seasonal: month/quarter effects.
    aggregate: ``auto`` sums months to quarters below 10 a month; None never; ``Q``/``Y`` force.
    family ``nb``/``poisson``; alpha fixes α; alpha_method ``pearson``/``ml``. cov_type: ``ar1``
    (default: sandwich with the estimated working correlation), ``model`` (independence) or ``hac``
    (Newey–West; comparison only). min_annual_points: shorter annual series get ``too_short``
    (default 3; the report passes :data:`MIN_ANNUAL_POINTS`).
    region_name, measure_label, measure: override what the result names; ``measure`` picks the
    borrowed α. Empty series give ``no_data``/``too_few`` results; malformed input raises DataError.
    """
    _check_options(family, alpha_method, cov_type)
    values, freq, region, label, meas = _clean_series(series)
    region = region_name if region_name is not None else region
    label = measure_label if measure_label is not None else label
    meas = measure if measure is not None else meas
    observed = _observed_copy(values, series)
    n_present = int(values.notna().sum())
    if n_present == 0 or float(values.sum()) == 0.0:
        code = "all_missing" if n_present == 0 else "all_zero"
        return _no_result("no_data", observed, freq, region, label, {"code": code})
    input_freq = freq
    values, freq, aggregated_to, notes = _prepare(values, freq, aggregate)
    present = values.dropna()
    common = dict(input_frequency=input_freq, aggregated_to=aggregated_to, notes=notes)
    short = _too_little(present, freq, min_annual_points)
    if short:
        return _no_result(short[0], observed, freq, region, label, short[1], **common)
    pidx = present.index
    X, spec, term_notes = model_design(pidx, covid=covid, registration_break=registration_break,
                                       seasonal=seasonal, offset=population is not None)
    notes.extend(term_notes)
    if len(pidx) - X.shape[1] < 1:
        reason = {"code": "few_periods", "periods": len(pidx), "freq": freq}
        return _no_result("too_few", observed, freq, region, label, reason, **common)
    pop = _population_for(pidx, population) if population is not None else None  # DataError names gaps
    try:
        return _fit(present, values, X, spec, population, pop, observed, region, label, common,
                    family=family, alpha=alpha, alpha_method=alpha_method, cov_type=cov_type, level=level, meas=meas)
    except (np.linalg.LinAlgError, FloatingPointError) as e:  # numerical failure is reported, not raised
        return _no_result("failed", observed, freq, region, label, {"code": "fit_failed", "error": type(e).__name__}, **common)


def fit_arrays(y, X, pos, freq: str, offset=None, *, family: str = "nb", alpha: float | None = None,
               alpha_method: str = "pearson", cov_type: str = "ar1", level: float = LEVEL, measure: str = "") -> dict:
    """The numeric core of :func:`fit_trend` on arrays: dispersion, coefficients, covariance, interval.

    ``X`` is the design (column 1 the time in years), ``pos`` the period number of each row (gaps
    allowed). Used by :func:`fit_trend` and, without the pandas around it, by the calibration suite.
    """
    y, X = np.asarray(y, float), np.asarray(X, float)
    df_resid = len(y) - X.shape[1]
    a, a_method = _dispersion(y, X, offset, freq, family, alpha, alpha_method, measure)
    beta, mu, _info = _irls(y, X, offset, max(a, ALPHA_BOUNDS[0]) if family == "nb" else 0.0)
    cov, diagnostics = _covariance(X, y, mu, a, np.asarray(pos), freq, cov_type, a_method)
    # t quantiles when the variance is estimated from the series: α, and the working correlation,
    # whose estimate rests on fewer independent pieces the larger the inflation (df / inflation)
    use_t = a_method in ("pearson", "ml")
    df_t = max(1.0, df_resid / max(1.0, diagnostics["variance_inflation"])) if cov_type == "ar1" else df_resid
    diagnostics.update(df_resid=df_resid, df_t=df_t)
    return {"beta": beta, "cov": cov, "alpha": a, "alpha_method": a_method, "use_t": use_t,
            "df_resid": df_resid, "df_t": df_t, "diagnostics": diagnostics,
            "interval": _intervals(beta, cov, df_t, use_t, level)}


def _fit(present, values, X, spec, population, pop, observed, region, label, common, *, family, alpha,
         alpha_method, cov_type, level, meas) -> TrendResult:
    """Fit a prepared series (:func:`fit_arrays`) and wrap the numbers in a :class:`TrendResult`."""
    freq, pidx = spec["freq"], present.index
    core = fit_arrays(present.to_numpy(dtype=float), X.to_numpy(dtype=float), _months0(pidx) // _MONTHS_IN[freq],
                      freq, np.log(pop) if pop is not None else None, family=family, alpha=alpha,
                      alpha_method=alpha_method, cov_type=cov_type, level=level, measure=meas)
    d, iv = core["diagnostics"], core["interval"]
    spec.update(columns=list(X.columns), dispersion=_DISPERSION_KIND[core["alpha_method"]],
                last_population=float(pop[-1]) if pop is not None else None,
                working_rho=d["working_rho"], working_share=d["working_share"])
    params = pd.Series(core["beta"], index=X.columns)
    cov_df = pd.DataFrame(core["cov"], index=X.columns, columns=X.columns)
    fitted = _fitted_frame(values, spec, params, cov_df, iv["quant"], population)
    model = _model_info(spec, X, core["alpha"], core["alpha_method"], cov_type, core["use_t"], core["df_resid"],
                        pidx, core["beta"])
    return TrendResult(status="ok", pct_per_year=iv["pct"], pct_ci_low=iv["lo"], pct_ci_high=iv["hi"],
                       p_value=iv["p"], level=level, fitted=fitted, model=model, diagnostics=d, frequency=freq,
                       region_name=region, measure_label=label, observed=observed, params=params, cov=cov_df,
                       alpha=core["alpha"], _spec=spec, **common)


def _fitted_frame(values: pd.Series, spec: dict, params: pd.Series, cov: pd.DataFrame, quant: float,
                  population) -> pd.DataFrame:
    """Observed, full-model expectation and the trend line with its band, for every period."""
    periods = values.index
    X = _design(periods, spec)[spec["columns"]]
    offset = (np.log(_population_for(periods, population, needed=values.notna().to_numpy())) if spec["offset"]
              else np.zeros(len(periods)))  # NaN rows where a period has neither count nor population
    expected = np.exp(X.to_numpy() @ params.to_numpy() + offset)
    Xt = _trend_rows(X)
    eta = Xt.to_numpy() @ params.to_numpy() + offset
    se = np.sqrt(np.einsum("ij,jk,ik->i", Xt.to_numpy(), cov.to_numpy(), Xt.to_numpy()))
    out = pd.DataFrame({"period": periods, "observed": values.to_numpy(), "expected": expected,
                        "fitted": np.exp(eta), "lower": np.exp(eta - quant * se), "upper": np.exp(eta + quant * se)},
                       index=periods)
    out.index.name = "period"
    return out


def _trend_rows(X: pd.DataFrame) -> pd.DataFrame:
    """Design rows of the trend line: the average season (over the whole year), no COVID dip."""
    Xt = X.copy()
    season = [c for c in X.columns if c.startswith(("month_", "quarter_"))]
    for c in season:
        Xt[c] = 1.0 / (len(season) + 1)
    if "covid" in Xt.columns:
        Xt["covid"] = 0.0
    return Xt


# --- projection ---------------------------------------------------------------------------------

def _target_periods(year: int, freq: str) -> pd.PeriodIndex:
    if freq == "Y":
        return pd.period_range(pd.Period(year=year, freq="Y"), periods=1, freq="Y")
    return pd.period_range(pd.Period(f"{year}-01", "M").asfreq(freq, "start"), periods={"M": 12, "Q": 4}[freq], freq=freq)


def project(trend: TrendResult, year: int, target: float | None = None, *, population: float | None = None,
            n_sims: int = 20000, seed: int = 0, level: float = LEVEL) -> Projection:
    """Expected count in ``year`` with a prediction interval, and P(count < ``target``).

    Coefficients are drawn from their estimated covariance (the AR-robust one; multivariate t when
    α was estimated), α from a scaled inverse χ². The year's total is drawn as a negative binomial
    whose variance is that of the sum of its periods correlated by the working correlation
    c(k) = s·ρ^k. Season as estimated; COVID as the window says; a July-2018 break at its post
    level. With a population offset and no ``population`` the last known one is used
    (``population_assumed``).
    """
    year = int(year)
    if not trend.ok:
        return Projection(year=year, status=trend.status, target=target, level=level,
                          reason={"code": "no_trend", "trend_status": trend.status})
    spec = trend._spec
    X = _design(_target_periods(year, spec["freq"]), spec)[spec["columns"]].to_numpy()
    assumed = bool(spec["offset"] and population is None)
    if spec["offset"]:
        population = spec["last_population"] if population is None else population
    offset = np.log(float(population)) if spec["offset"] else 0.0
    draws = draw_totals(trend.params.to_numpy(), trend.cov.to_numpy(), trend.alpha, spec["dispersion"],
                        trend.diagnostics.get("df_t", 0), spec.get("working_rho", 0.0),
                        spec.get("working_share", 0.0), X, offset, np.random.default_rng(seed), n_sims)
    expected = float(np.exp(X @ trend.params.to_numpy() + offset).sum())
    lower, upper = np.quantile(draws, [0.5 - level / 2, 0.5 + level / 2])
    prob = float((draws < target).mean()) if target is not None else float("nan")
    return Projection(year=year, status="ok", expected=expected, lower=float(lower), upper=float(upper), level=level,
                      target=target, prob_below=prob, n_sims=n_sims, seed=seed,
                      population=float(population) if population is not None else None,
                      population_assumed=assumed, draws=draws)


def draw_totals(beta, cov, alpha: float, dispersion: str, df: int, rho: float, share: float, X, offset,
                rng, n_sims: int) -> np.ndarray:
    """Draws of the total count over the rows of ``X`` (the periods of one target year).

    Parameter draws (multivariate t on ``df`` and α from a scaled inverse χ² when the dispersion
    was estimated; normal otherwise), then an NB total whose variance is that of the
    periods' sum under the working correlation c(k) = share·rho^k.
    """
    k = len(beta)
    z = rng.multivariate_normal(np.zeros(k), cov, size=n_sims, method="svd")
    alphas = np.full(n_sims, alpha)
    if dispersion == "estimated" and df > 0:  # as the interval: t on df, α its own estimation error
        z = z * np.sqrt(df / rng.chisquare(df, n_sims))[:, None]
        alphas = alpha * df / rng.chisquare(df, n_sims)
    # t draws on few degrees of freedom have extreme tails; keep the rate finite for the count draws
    mu = np.exp(np.clip((beta + z) @ X.T + offset, -50.0, np.log(1e12)))  # (n_sims, periods)
    lag = np.abs(np.arange(X.shape[0])[:, None] - np.arange(X.shape[0])[None, :])
    R = share * rho ** lag
    np.fill_diagonal(R, 1.0)
    sd = np.sqrt(mu + alphas[:, None] * mu ** 2)
    total = mu.sum(axis=1)
    extra = np.maximum(np.einsum("si,ij,sj->s", sd, R, sd) - total, 0.0) / total ** 2  # NB2 α of the total
    safe = np.maximum(extra, ALPHA_BOUNDS[0])
    lam = np.where(extra > ALPHA_BOUNDS[0], rng.gamma(1.0 / safe, total * safe), total)
    return rng.poisson(lam).astype(float)


# --- picture companions -------------------------------------------------------------------------

def stl_trend(series, period: int | None = None) -> pd.Series | None:
    """Robust STL trend (statsmodels ``STL(robust=True)``) of a monthly or quarterly series.

    Missing values are interpolated for the decomposition only and are NaN again in the result.
    Returns None for annual series or fewer than two full seasonal cycles.
    """
    from statsmodels.tsa.seasonal import STL

    values, freq, *_ = _clean_series(series)
    if freq == "Y":
        return None
    period = period or {"M": 12, "Q": 4}[freq]
    present = values.dropna()
    if len(present) < 2 * period + 1:
        return None
    v = values.loc[present.index[0]:present.index[-1]]
    filled = v.interpolate()
    res = STL(filled.to_numpy(dtype=float), period=period, robust=True).fit()
    out = pd.Series(res.trend, index=v.index, name="stl_trend")
    out[v.isna()] = np.nan
    return out


def multi_year_average(series, first=None, last=None) -> float:
    """Mean count per period over [first, last] (the horizontal line of seed 000's chart); NaN when empty."""
    values, *_ = _clean_series(series)
    if first is not None:
        values = values[values.index >= pd.Period(first, values.index.freq)]
    if last is not None:
        values = values[values.index <= pd.Period(last, values.index.freq)]
    return float(values.mean()) if values.notna().any() else float("nan")
