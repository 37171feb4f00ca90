"""Trend lines on crime counts with honest uncertainty: a negative-binomial regression.

``fit_trend`` fits ``log E[y_t] = log(population_t) + b0 + b1·t + season + covid + break`` to a
series of counts (monthly, quarterly or annual), with ``t`` in years, so ``exp(b1) − 1`` is the
average change per year. Counts vary more than Poisson (NB2: Var = μ + αμ²); the dispersion α is
*estimated* by maximising the profile likelihood over α (statsmodels' ``families.NegativeBinomial()``
silently fixes α = 1). Series with fewer than about ten events a month are aggregated to quarters
(or years) first; annual series too short to estimate α use the year-to-year α of
:mod:`ivpanalysis.noise`. ``project`` turns a fit into an expected count for a target year with a
prediction interval and the probability of ending below a target. Robust STL and the multi-year
average are the picture's companions; the coverage of the interval is checked by simulation in
:mod:`ivpanalysis.simulate` (see docs/methods-trend.md).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ivpanalysis.present import fmt
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
ALPHA_BOUNDS = (1e-8, 10.0)
LEVEL = 0.95

_FREQ_NL = {"M": "maand", "Q": "kwartaal", "Y": "jaar"}
_FREQ_PLURAL_NL = {"M": "maandcijfers", "Q": "kwartaaltotalen", "Y": "jaartotalen"}
_MONTH_NL = {v: k for k, v in schema.MONTHS_NL.items()}
_MONTHS_IN = {"M": 1, "Q": 3, "Y": 12}
_COUNT_WORDS_NL = {2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes"}


@dataclass
class TrendResult:
    """Result of :func:`fit_trend`.

    ``status`` is ``ok``, ``no_data`` (every value zero or missing), ``too_few`` (fewer than
    :data:`MIN_EVENTS` events or fewer than three usable periods) or ``failed`` (the model could not
    be fitted); only ``ok`` carries numbers, the others carry NaN and a Dutch ``summary_nl`` that
    says why. Percentages are in percent units (−3.3 is −3,3 % a year); ``change_per_year`` and
    ``change_ci`` give the same as fractions.
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
    #: formula, family, alpha, alpha_method, n, frequency, terms, covariance, offset
    model: dict = field(default_factory=dict)
    #: pearson_dispersion, ljung_box_p, ljung_box_lags
    diagnostics: dict = field(default_factory=dict)
    frequency: str = ""  # frequency the model was fitted on: M, Q or Y
    input_frequency: str = ""
    aggregated_to: str | None = None  # "Q" or "Y" when the input was aggregated before fitting
    region_name: str = ""
    measure_label: str = ""
    notes: list[str] = field(default_factory=list)
    summary_nl: str = ""
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

    @property
    def summary(self) -> str:
        return self.summary_nl


@dataclass
class Projection:
    """Result of :func:`project`: the expected count in ``year`` with a prediction interval.

    The interval holds parameter uncertainty (coefficients drawn from their estimated covariance)
    and the year's own negative-binomial variation. ``prob_below`` is P(count < target).
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
    population_note: str = ""
    summary_nl: str = ""
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

def _glm(y, X, offset, alpha, family="nb"):
    import statsmodels.api as sm

    fam = sm.families.Poisson() if family == "poisson" else sm.families.NegativeBinomial(alpha=alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.GLM(y, np.asarray(X, dtype=float), family=fam, offset=offset)


def _profile_alpha(y, X, offset) -> float:
    """ML estimate of NB2 α: maximise the log-likelihood over log α, β refitted by IRLS each time."""
    def nll(log_a):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return -_glm(y, X, offset, float(np.exp(log_a))).fit().llf

    lo, hi = np.log(ALPHA_BOUNDS[0]), np.log(ALPHA_BOUNDS[1])
    res = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-3})
    a = float(np.exp(res.x))
    # the bounded search stops near, not at, a boundary; keep the better of the two
    if nll(lo) <= res.fun:
        a = ALPHA_BOUNDS[0]
    return a


def _pearson_alpha(y, X, offset) -> float:
    """Moment estimate of NB2 α (Breslow 1984): Pearson χ² equals its degrees of freedom n − p.

    Less biased than ML in short series, because it counts the degrees of freedom spent on the
    coefficients (ML divides by n). Alternates: fit the coefficients at the current α (IRLS), then
    solve Σ (y − μ)² / (μ + αμ²) = n − p for α with μ held; stops when α settles. Returns the lower
    bound (≈ Poisson) when even α → 0 leaves χ² below n − p.
    """
    df = len(y) - X.shape[1]
    a_lo, a_hi = ALPHA_BOUNDS
    a, start = 0.0, None
    for _ in range(50):
        res = _glm(y, X, offset, max(a, a_lo)).fit(start_params=start)
        start = res.params
        mu = np.asarray(res.fittedvalues)
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


def _simulated_nl(freq: str) -> str:
    """The sentence every summary of simulated counts starts with."""
    noun = {"M": "maandcijfers", "Q": "kwartaalcijfers", "Y": "jaarcijfers"}.get(freq, "cijfers")
    return f"Gesimuleerde gegevens: deze {noun} zijn gesimuleerd, geen waarnemingen. "


def _no_result(status: str, values, freq, region, label, note_nl: str) -> TrendResult:
    if values.attrs.get("simulated"):
        note_nl = _simulated_nl(freq) + note_nl
    r = TrendResult(status=status, frequency=freq, input_frequency=freq, region_name=region,
                    measure_label=label, observed=values, summary_nl=note_nl)
    r.fitted = pd.DataFrame(columns=["period", "observed", "expected", "fitted", "lower", "upper"])
    return r


def _what_nl(label: str) -> str:
    return f"'{label}'" if label else "het aantal misdrijven"


def _where_nl(region: str) -> str:
    return f" in {region}" if region else ""


def _period_nl(p: pd.Period) -> str:
    f = schema.freq_of(p)
    if f == "M":
        return f"{_MONTH_NL[p.month]} {p.year}"
    if f == "Q":
        return f"{p.quarter}e kwartaal {p.year}"
    return str(p.year)


def fit_trend(series, population=None, *, covid=True, registration_break: bool = False,
              seasonal: bool = True, aggregate: str | None = "auto", family: str = "nb",
              alpha: float | None = None, alpha_method: str = "pearson", cov_type: str = "model",
              level: float = LEVEL,
              region_name: str | None = None, measure_label: str | None = None,
              measure: str | None = None) -> TrendResult:
    """Fit a log-linear trend to counts and return the average % change per year with its CI.

    Parameters
    ----------
    series : Series of counts indexed by pandas Period (M, Q or Y), dates or integer years; or a
        tidy frame (region_code, period, measure, value, …) of one region and one measure.
        Missing periods are NaN and left out of the fit (never read as 0).
    population : optional number or Series by period or by year: a log offset, so the trend is one
        of the rate per inhabitant. Annual figures are used for every month of their year.
    covid : True (window 2020-03..2021-06), False, or a ``(first_month, last_month)`` pair: an
        indicator (a fraction for quarters/years) for the COVID period, so the dip does not bend
        the trend.
    registration_break : add a level shift from July 2018 (separate registration of related
        offences).
    seasonal : month-of-year (quarter-of-year) effects.
    aggregate : ``"auto"`` sums monthly counts to quarters when the mean is below 10 a month;
        ``None`` never aggregates; ``"Q"``/``"Y"`` force it.
    family : ``"nb"`` (negative binomial with α estimated; default) or ``"poisson"`` (ignores
        overdispersion; for comparison only).
    alpha : fix the NB dispersion instead of estimating it.
    alpha_method : ``"pearson"`` (default: Pearson χ² = n − p, nearly unbiased in short series) or
        ``"ml"`` (profile maximum likelihood); see docs/methods-trend.md for the comparison.
    cov_type : ``"model"`` (the NB model's own covariance) or ``"hac"`` (Newey–West, robust to
        residual autocorrelation; lag 12 months / 4 quarters; under-covers on short series).
    level : confidence level of the interval and band (0.95).
    region_name, measure_label, measure : override what the summary names (taken from a tidy frame
        or the Series' ``attrs`` otherwise); ``measure`` (a SoortMisdrijf code) picks the borrowed
        yearly α for short annual series.

    Never raises for a series that is merely empty of events: all-zero or all-missing gives
    ``status="no_data"``, too few events ``"too_few"``. Malformed input raises
    :class:`~ivpanalysis.errors.DataError` naming what was expected.
    """
    values, freq, region, label, meas = _clean_series(series)
    region = region_name if region_name is not None else region
    label = measure_label if measure_label is not None else label
    meas = measure if measure is not None else meas
    if family not in ("nb", "poisson"):
        raise ValueError(f"family must be 'nb' or 'poisson', not {family!r}")
    if alpha_method not in ("pearson", "ml"):
        raise ValueError(f"alpha_method must be 'pearson' or 'ml', not {alpha_method!r}")
    if cov_type not in ("model", "hac"):
        raise ValueError(f"cov_type must be 'model' or 'hac', not {cov_type!r}")
    input_freq = freq
    observed = values.copy()
    attrs = dict(getattr(series, "attrs", {}))
    if isinstance(series, pd.DataFrame) and "kind" in series.columns:  # tidy rows carry their own label
        attrs["simulated"] = bool(attrs.get("simulated")) or bool((series["kind"] == "simulated").any())
    simulated = bool(attrs.get("simulated", False))
    observed.attrs = {"simulated": simulated, "demonstration": bool(attrs.get("demonstration", False))}
    n_present = int(values.notna().sum())
    if n_present == 0 or float(values.sum()) == 0.0:
        why = "ontbreken alle waarden" if n_present == 0 else "is de waarde in elke periode 0"
        text = (f"Geen gegevens: voor {_what_nl(label)}{_where_nl(region)} {why}. "
                "Er is daarom geen trend berekend en geen trendlijn getekend.")
        return _no_result("no_data", observed, freq, region, label, text)

    # aggregation for small counts
    notes: list[str] = []
    aggregated_to = None
    order = ["M", "Q", "Y"]
    if aggregate == "auto":
        mean = float(values.mean())
        if freq == "M" and mean < MIN_MEAN_PER_PERIOD and _aggregate(values, "Q").notna().sum() >= 3:
            nxt = "Q"
            agg = _aggregate(values, nxt)
            notes.append(f"Omdat er gemiddeld minder dan {fmt.number(MIN_MEAN_PER_PERIOD)} voorvallen per "
                         f"{_FREQ_NL[freq]} zijn ({fmt.number(mean, 1)}), is gerekend met {_FREQ_PLURAL_NL[nxt]}.")
            values, freq, aggregated_to = agg, nxt, nxt
    elif aggregate in ("Q", "Y"):
        if order.index(aggregate) < order.index(freq):
            raise DataError.at("series", f"cannot aggregate {freq} periods to {aggregate}", expected="a coarser frequency")
        if aggregate != freq:
            values, freq, aggregated_to = _aggregate(values, aggregate), aggregate, aggregate
            notes.append(f"Gerekend met {_FREQ_PLURAL_NL[freq]}.")
    elif aggregate is not None:
        raise ValueError(f"aggregate must be 'auto', None, 'Q' or 'Y', not {aggregate!r}")

    present = values.dropna()
    if float(present.sum()) < MIN_EVENTS or (present > 0).sum() < 3:
        text = (f"Te weinig voorvallen voor een trend: {_what_nl(label)}{_where_nl(region)} telt "
                f"{fmt.number(present.sum())} voorvallen in {len(present)} perioden "
                f"({_period_nl(present.index[0])} tot en met {_period_nl(present.index[-1])}). "
                "Met zo weinig voorvallen is geen stijging of daling vast te stellen.")
        return _set(_no_result("too_few", observed, freq, region, label, text), input_frequency=input_freq,
                    aggregated_to=aggregated_to, notes=notes)

    # model terms
    covid_window = None
    if covid is True:
        covid_window = COVID_DEFAULT
    elif covid:
        covid_window = (str(pd.Period(covid[0], "M")), str(pd.Period(covid[1], "M")))
    spec = {"origin": _month0(present.index[0]) + (_MONTHS_IN[freq] - 1) / 2.0, "terms": [],
            "covid": covid_window, "break": REGISTRATION_BREAK, "offset": population is not None}
    pidx = present.index
    wanted = []
    if seasonal and freq in ("M", "Q"):
        wanted.append("season")
    if covid_window is not None:
        frac = _month_fraction(pidx, *covid_window)
        if (frac > 0).any() and (frac < 1).any():
            wanted.append("covid")
    if registration_break:
        frac = _month_fraction(pidx, REGISTRATION_BREAK, None)
        if (frac > 0).any() and (frac < 1).any():
            wanted.append("break_2018")
        else:
            notes.append("De registratiebreuk van juli 2018 valt buiten deze reeks en is niet meegenomen.")
    # drop optional terms (last asked first) until at least two residual degrees of freedom remain
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
        notes.append("Niet elke maand van het jaar komt in de gegevens voor; voor de ontbrekende "
                     "maanden is het seizoenseffect niet geschat.")
    if len(pidx) - X.shape[1] < 1:
        text = (f"Te weinig perioden voor een trend: {_what_nl(label)}{_where_nl(region)} heeft "
                f"{len(pidx)} bruikbare {_FREQ_PLURAL_NL[freq]}.")
        return _set(_no_result("too_few", observed, freq, region, label, text),
                    input_frequency=input_freq, aggregated_to=aggregated_to, notes=notes)
    names_nl = {"covid": "de COVID-periode", "break_2018": "de registratiebreuk van juli 2018", "season": "seizoenseffecten"}
    for d in dropped:
        notes.append(f"Met {len(pidx)} punten is er geen ruimte om {names_nl[d]} apart te schatten; die term is weggelaten.")

    y = present.to_numpy(dtype=float)
    pop = _population_for(pidx, population) if population is not None else None
    offset = np.log(pop) if pop is not None else None
    df_resid = len(y) - X.shape[1]

    # dispersion
    if family == "poisson":
        a, a_method = 0.0, "none (Poisson: variance = mean)"
    elif alpha is not None:
        a, a_method = float(alpha), "fixed by the caller"
    elif df_resid >= MIN_DF_FOR_ALPHA or freq != "Y":
        try:
            if alpha_method == "ml":
                a, a_method = _profile_alpha(y, X, offset), "maximum likelihood (profile over alpha, IRLS for the coefficients)"
            else:
                a, a_method = _pearson_alpha(y, X, offset), "moment (Pearson chi2 = n - p, Breslow 1984), IRLS for the coefficients"
        except Exception as e:  # pragma: no cover - numerical failure is reported, not raised
            return _set(_no_result("failed", observed, freq, region, label,
                                   f"Het trendmodel kon niet worden geschat ({type(e).__name__})."),
                        input_frequency=input_freq, aggregated_to=aggregated_to, notes=notes)
    else:
        a = _external_alpha(meas)
        a_method = ("not estimable from {} points; year-to-year alpha of municipalities "
                    "(ivpanalysis.noise, data/codes/overdispersion.csv)").format(len(y))
    small_external = family == "nb" and alpha is None and df_resid < MIN_DF_FOR_ALPHA and freq == "Y"
    # dispersion estimated (or borrowed) rather than known: t quantiles on the residual df
    use_t = family == "nb" and alpha is None

    try:
        model = _glm(y, X, offset, max(a, ALPHA_BOUNDS[0]), "poisson" if family == "poisson" else "nb")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if cov_type == "hac":
                lags = {"M": 12, "Q": 4, "Y": 1}[freq]
                res = model.fit(cov_type="HAC", cov_kwds={"maxlags": min(lags, max(1, len(y) // 4))})
            else:
                res = model.fit()
    except Exception as e:  # pragma: no cover
        return _set(_no_result("failed", observed, freq, region, label,
                               f"Het trendmodel kon niet worden geschat ({type(e).__name__})."),
                    input_frequency=input_freq, aggregated_to=aggregated_to, notes=notes)

    params = pd.Series(np.asarray(res.params), index=X.columns)
    cov = pd.DataFrame(np.asarray(res.cov_params()), index=X.columns, columns=X.columns)
    mu = np.asarray(res.fittedvalues)
    pearson_resid = (y - mu) / np.sqrt(mu + a * mu ** 2)
    pearson_disp = float((pearson_resid ** 2).sum() / df_resid) if df_resid > 0 else float("nan")
    # few points with a borrowed alpha: widen by the observed dispersion (never narrow) and use t
    if small_external and np.isfinite(pearson_disp) and pearson_disp > 1:
        cov = cov * pearson_disp
    if use_t:
        quant = float(stats.t.ppf(0.5 + level / 2, df_resid))
    else:
        quant = float(stats.norm.ppf(0.5 + level / 2))
    b, se = float(params["t_years"]), float(np.sqrt(cov.loc["t_years", "t_years"]))
    pct = 100 * np.expm1(b)
    lo, hi = 100 * np.expm1(b - quant * se), 100 * np.expm1(b + quant * se)
    pval = float(2 * (stats.t.sf(abs(b / se), df_resid) if use_t else stats.norm.sf(abs(b / se))))

    # Ljung–Box on Pearson residuals
    lb_lags = {"M": 12, "Q": 4, "Y": 2}[freq]
    lb_lags = min(lb_lags, len(y) // 4)
    lb_p = float("nan")
    if lb_lags >= 1 and len(y) >= 8 and present.index.equals(pd.period_range(pidx[0], pidx[-1], freq=pidx.freq)):
        from statsmodels.stats.diagnostic import acorr_ljungbox

        lb_p = float(acorr_ljungbox(pearson_resid, lags=[lb_lags])["lb_pvalue"].iloc[0])

    spec.update(offset=pop is not None, columns=list(X.columns),
                dispersion="borrowed" if small_external else "estimated" if use_t else "fixed",
                last_population=float(pop[-1]) if pop is not None else None, freq=freq)
    fitted = _fitted_frame(values, spec, params, cov, quant, population)

    model_info = {
        "formula": _formula(spec, X.columns),
        "family": "Poisson" if family == "poisson" else "negative binomial (NB2: Var = mu + alpha*mu^2), log link",
        "alpha": a,
        "alpha_method": a_method,
        "n": len(y),
        "n_params": X.shape[1],
        "frequency": freq,
        "terms": list(X.columns),
        "covariance": ("HAC (Newey-West)" if cov_type == "hac" else "model-based (inverse Fisher information)")
                      + ("; scaled by Pearson dispersion when > 1" if small_external else "")
                      + (f"; t quantiles ({df_resid} df)" if use_t else "; normal quantiles"),
        "covid_window": covid_window if "covid" in spec["terms"] else None,
        "registration_break": REGISTRATION_BREAK if "break_2018" in spec["terms"] else None,
        "offset": "log(population)" if pop is not None else None,
        "first_period": str(pidx[0]),
        "last_period": str(pidx[-1]),
        "effects": {k: float(np.expm1(params[k])) for k in ("covid", "after_2018_07") if k in params.index},
    }
    diagnostics = {"pearson_dispersion": pearson_disp, "ljung_box_p": lb_p, "ljung_box_lags": lb_lags,
                   "df_resid": df_resid}
    result = TrendResult(status="ok", pct_per_year=float(pct), pct_ci_low=float(lo), pct_ci_high=float(hi),
                         p_value=pval, level=level, fitted=fitted, model=model_info, diagnostics=diagnostics,
                         frequency=freq, input_frequency=input_freq, aggregated_to=aggregated_to,
                         region_name=region, measure_label=label, notes=notes, observed=observed,
                         params=params, cov=cov, alpha=a, _spec=spec)
    result.summary_nl = _summary_nl(result, small_external)
    if observed.attrs["demonstration"]:
        result.summary_nl = ("Gesimuleerde maandcijfers rond de echte jaartotalen (demonstratie): de trend en het "
                             "interval hieronder beschrijven de simulatie, niet de echte ontwikkeling. "
                             + result.summary_nl)
    elif simulated:
        result.summary_nl = _simulated_nl(input_freq) + result.summary_nl
    return result


def _set(result: TrendResult, **kw) -> TrendResult:
    for k, v in kw.items():
        setattr(result, k, v)
    return result


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


def _summary_nl(r: TrendResult, small_external: bool) -> str:
    obs = r.fitted["observed"].dropna()
    first, last = obs.index[0], obs.index[-1]
    pct = lambda x: fmt.pct(x, 1)  # noqa: E731
    subject = r.measure_label or "Aantal misdrijven"
    if r.model["offset"]:
        subject += " per inwoner"
    subject += _where_nl(r.region_name)
    s = [f"{subject}, {_period_nl(first)} tot en met {_period_nl(last)}: gemiddeld {pct(r.pct_per_year)} per jaar "
         f"({fmt.number(100 * r.level)}%-BI {pct(r.pct_ci_low)} tot {pct(r.pct_ci_high)})."]
    if r.pct_ci_high < 0:
        s.append("Die daling is groter dan toevallige schommelingen verklaren.")
    elif r.pct_ci_low > 0:
        s.append("Die stijging is groter dan toevallige schommelingen verklaren.")
    else:
        s.append("Het interval bevat 0%: een stijging of daling is met deze cijfers niet aan te tonen.")
    terms = []
    if any(c.startswith("month_") for c in r.model["terms"]):
        terms.append("maandeffecten")
    if any(c.startswith("quarter_") for c in r.model["terms"]):
        terms.append("kwartaaleffecten")
    if r.model["covid_window"]:
        a, b = r.model["covid_window"]
        terms.append(f"een aparte term voor de COVID-periode ({_period_nl(pd.Period(a, 'M'))} – {_period_nl(pd.Period(b, 'M'))})")
    if r.model["registration_break"]:
        terms.append("een sprong bij de registratiewijziging van juli 2018")
    fam = "een Poissonmodel" if r.model["alpha"] == 0 else "een negatief-binomiaal model"
    s.append(f"Berekend met {fam}" + (" met " + ", ".join(terms[:-1]) + (" en " if len(terms) > 1 else "") + terms[-1] if terms else "")
             + f" op {r.model['n']} {_FREQ_PLURAL_NL[r.frequency]}.")
    s.extend(r.notes)
    if r.frequency == "Y" and r.model["n"] <= 6:
        n = r.model["n"]
        s.append(f"Let op: {_COUNT_WORDS_NL.get(n, str(n))} jaarcijfers laten weinig zien. Met zo weinig punten "
                 "is een trend nauwelijks van toeval te onderscheiden; het interval is daarom breed en één "
                 "afwijkend jaar kan de lijn al kantelen.")
    if small_external:
        s.append(f"De spreiding tussen jaren (α = {fmt.number(r.alpha, 4)}) is niet uit deze reeks geschat maar "
                 "overgenomen uit de jaar-op-jaarvariatie van Nederlandse gemeenten.")
    lb = r.diagnostics.get("ljung_box_p", float("nan"))
    if np.isfinite(lb) and lb < 0.05:
        shown = "< 0,001" if lb < 0.001 else "= " + fmt.number(lb, 3)
        s.append(f"De afwijkingen van de trendlijn hangen onderling samen (Ljung-Box p {shown}), "
                 "bijvoorbeeld doordat de ontwikkeling niet steeds even snel gaat; het werkelijke interval is "
                 "daardoor waarschijnlijk breder dan hier vermeld.")
    return " ".join(s)


# --- projection ---------------------------------------------------------------------------------

def project(trend: TrendResult, year: int, target: float | None = None, *, population: float | None = None,
            n_sims: int = 20000, seed: int = 0, level: float = LEVEL) -> Projection:
    """Expected count in ``year`` with a prediction interval, and P(count < ``target``).

    Coefficients are drawn from their estimated distribution (multivariate t on the residual degrees
    of freedom when α was estimated, matching the t-based interval of the trend), α from a scaled
    inverse χ² on the same degrees of freedom (its own estimation error), and each draw's count
    from the negative binomial with that α (Poisson when α = 0), summed over the periods of
    the year; season as estimated; the COVID term as the window says (zero after June 2021); a
    July-2018 break, if fitted, at its post level.
    With a population offset the year's population is ``population`` or, when not given, the last
    known one (stated in ``population_note``).
    """
    year = int(year)
    if not trend.ok:
        return Projection(year=year, status=trend.status, target=target, level=level,
                          summary_nl=f"Geen projectie voor {year}: er is geen trend geschat. " + trend.summary_nl)
    spec = trend._spec
    freq = spec["freq"]
    periods = pd.period_range(pd.Period(f"{year}-01", "M").asfreq(freq, "start") if freq != "Y" else pd.Period(year=year, freq="Y"),
                              periods={"M": 12, "Q": 4, "Y": 1}[freq], freq=freq)
    X = _design(periods, spec)[spec["columns"]].to_numpy()
    note = ""
    if spec["offset"]:
        if population is None:
            population = spec["last_population"]
            note = "bevolking gelijk aan de laatst bekende"
        offset = np.log(float(population))
    else:
        offset = 0.0
    rng = np.random.default_rng(seed)
    k = len(trend.params)
    z = rng.multivariate_normal(np.zeros(k), trend.cov.to_numpy(), size=n_sims, method="svd")
    df = trend.diagnostics.get("df_resid", 0)
    estimated = trend._spec.get("dispersion") in ("estimated", "borrowed")
    alpha = np.full(n_sims, trend.alpha)
    if estimated and df > 0:
        # the interval used t quantiles: draw coefficients from the matching multivariate t
        z = z * np.sqrt(df / rng.chisquare(df, n_sims))[:, None]
        if trend._spec["dispersion"] == "estimated":
            # alpha is an estimate on df degrees of freedom too: scaled inverse chi-square draws
            alpha = trend.alpha * df / rng.chisquare(df, n_sims)
    beta = trend.params.to_numpy() + z
    # t draws on very few degrees of freedom (annual series) have extreme tails; keep the rate
    # finite for the count draws (this does not move the interval unless it is absurdly wide anyway)
    mu = np.exp(np.clip(beta @ X.T + offset, -50.0, np.log(1e12)))  # (n_sims, periods)
    if trend.alpha > ALPHA_BOUNDS[0]:
        a = alpha[:, None]
        lam = rng.gamma(1.0 / a, mu * a)
    else:
        lam = mu
    draws = rng.poisson(lam).sum(axis=1).astype(float)
    expected = float(np.exp(X @ trend.params.to_numpy() + offset).sum())
    lower, upper = np.quantile(draws, [0.5 - level / 2, 0.5 + level / 2])
    prob = float((draws < target).mean()) if target is not None else float("nan")
    text = (f"Verwachting voor {year} bij voortzetting van de trend: {fmt.number(expected)} "
            f"({fmt.number(100 * level)}%-voorspelinterval {fmt.number(lower)} tot {fmt.number(upper)}).")
    if target is not None:
        text += f" Kans dat het aantal onder {fmt.number(target)} uitkomt: {fmt.share(100 * prob)}."
    if note:
        text += f" Aanname: {note}."
    return Projection(year=year, status="ok", expected=expected, lower=float(lower), upper=float(upper), level=level,
                      target=target, prob_below=prob, n_sims=n_sims, seed=seed,
                      population=float(population) if population is not None else None,
                      population_note=note, summary_nl=text, draws=draws)


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
