"""Simulated monthly crime counts with a known trend, to check :func:`ivpanalysis.trend.fit_trend`.

Everything here is **simulated data** (labelled as such in ``Series.attrs``): negative-binomial
(NB2) counts around ``mean · (1 + pct/100)^t · season · covid dip`` with a fixed design, so the
share of 95 % intervals that cover the true yearly change can be measured. Used by
``tests/test_simulate.py`` (few replicates) and ``benchmarks/trend_coverage.py`` (≥ 500).
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ivpanalysis.analysis import trend as _trend

SIMULATED_LABEL = "gesimuleerde gegevens"


@dataclass(frozen=True)
class Design:
    """One cell of the simulation design.

    ``mean`` is the expected count per month at the series' midpoint (without the COVID dip);
    ``seasonal_amplitude`` the amplitude of a yearly sine on the log scale (0.15 ≈ ±16 %);
    ``covid_effect`` the log-scale level shift inside ``covid`` (−0.25 ≈ −22 %), 0 for none;
    ``break_effect`` a log-scale level shift from July 2018 on.
    """

    n_months: int = 120
    start: str = "2014-01"
    mean: float = 100.0
    alpha: float = 0.05
    pct_per_year: float = -5.0
    seasonal_amplitude: float = 0.15
    covid_effect: float = 0.0
    covid: tuple[str, str] = _trend.COVID_DEFAULT
    break_effect: float = 0.0  # log-scale level shift from July 2018 (registration change)

    @property
    def name(self) -> str:
        dip = "covid-dip" if self.covid_effect else "geen-dip"
        return f"n{self.n_months}_mu{self.mean:g}_a{self.alpha:g}_{dip}"


#: the fixed design of the coverage study: 96 and 120 months from 2014-01 (both include the COVID
#: window), means 30 and 400 a month, α 0.02 and 0.1, with and without a −22 % COVID dip; −5 %/yr
DESIGN = [
    Design(n_months=n, mean=m, alpha=a, covid_effect=c)
    for n in (96, 120) for m in (30.0, 400.0) for a in (0.02, 0.1) for c in (0.0, -0.25)
]


def expected_counts(design: Design) -> pd.Series:
    """The true mean count per month of a design."""
    idx = pd.period_range(design.start, periods=design.n_months, freq="M")
    k = np.arange(design.n_months)
    t = (k - (design.n_months - 1) / 2) / 12.0
    log_mu = (np.log(design.mean) + np.log1p(design.pct_per_year / 100.0) * t
              + design.seasonal_amplitude * np.sin(2 * np.pi * (idx.month.to_numpy() - 1) / 12))
    lo, hi = (pd.Period(design.covid[0], "M"), pd.Period(design.covid[1], "M"))
    in_covid = np.array([lo <= p <= hi for p in idx])
    after_break = np.array([p >= pd.Period(_trend.REGISTRATION_BREAK, "M") for p in idx])
    log_mu = log_mu + design.covid_effect * in_covid + design.break_effect * after_break
    return pd.Series(np.exp(log_mu), index=idx, name="expected")


def simulate_series(design: Design, seed=0) -> pd.Series:
    """One simulated series: NB2 counts (gamma–Poisson mixture) around :func:`expected_counts`.

    ``seed`` is an int, a sequence of ints or a ``numpy.random.Generator``.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    mu = expected_counts(design)
    lam = rng.gamma(1.0 / design.alpha, mu.to_numpy() * design.alpha) if design.alpha > 0 else mu.to_numpy()
    y = rng.poisson(lam).astype(float)
    s = pd.Series(y, index=mu.index, name="aantal")
    s.attrs.update(simulated=True, label=SIMULATED_LABEL, measure_label="Gesimuleerde misdrijven",
                   truth_pct_per_year=design.pct_per_year, design=asdict(design))
    return s


def coverage(designs=None, reps: int = 500, seed: int = 20240501, progress=None, **fit_options) -> pd.DataFrame:
    """Share of 95 % intervals of ``fit_trend`` that contain the true % change per year, per design.

    Replicate ``r`` of cell ``i`` uses ``default_rng([seed, i, r])``, so any cell can be rerun alone
    and results do not depend on the order of cells. ``fit_options`` go to ``fit_trend`` (e.g.
    ``family="poisson"`` to show what ignoring overdispersion does). Columns: the design, reps,
    covered, coverage, mc_se (binomial standard error of the coverage), mean_pct, bias, rmse,
    mean_width (of the interval, in % points), mean_alpha (estimated), not_ok (fits without a
    result), seconds.
    """
    designs = DESIGN if designs is None else list(designs)
    rows = []
    for i, d in enumerate(designs):
        t0 = time.perf_counter()
        est, lo, hi, al = [], [], [], []
        not_ok = 0
        for r in range(reps):
            s = simulate_series(d, seed=[seed, i, r])
            res = _trend.fit_trend(s, **fit_options)
            if not res.ok:
                not_ok += 1
                continue
            est.append(res.pct_per_year)
            lo.append(res.pct_ci_low)
            hi.append(res.pct_ci_high)
            al.append(res.alpha)
        est, lo, hi = map(np.asarray, (est, lo, hi))
        truth = d.pct_per_year
        covered = int(((lo <= truth) & (truth <= hi)).sum())
        n = len(est)
        cov = covered / n if n else float("nan")
        rows.append({
            "design": d.name, "n_months": d.n_months, "mean": d.mean, "alpha": d.alpha,
            "covid_effect": d.covid_effect, "truth_pct": truth, "reps": n, "covered": covered,
            "coverage": cov, "mc_se": float(np.sqrt(cov * (1 - cov) / n)) if n else float("nan"),
            "mean_pct": float(est.mean()) if n else float("nan"),
            "bias": float(est.mean() - truth) if n else float("nan"),
            "rmse": float(np.sqrt(((est - truth) ** 2).mean())) if n else float("nan"),
            "mean_width": float((hi - lo).mean()) if n else float("nan"),
            "mean_alpha": float(np.mean(al)) if n else float("nan"),
            "not_ok": not_ok, "seconds": time.perf_counter() - t0,
        })
        if progress:
            progress(rows[-1])
    return pd.DataFrame(rows)


def demonstration_series(yearly: pd.Series, seed=0, alpha: float = 0.02, seasonal_amplitude: float = 0.1,
                         region_name: str = "") -> pd.Series:
    """A **simulated** monthly series around real yearly totals, for a chart when no monthly data exist.

    Each year's expected total is spread over its months with a yearly sine (``seasonal_amplitude``
    on the log scale, normalised so the months sum to the total) and drawn as NB2 with ``alpha``.
    Missing years stay missing (NaN months). The result carries ``attrs['simulated'] = True``, so
    :func:`ivpanalysis.trend.fit_trend` and the chart label everything built on it as simulated.
    A trend fitted to it reflects the simulation (its months are invented), not the real
    development: its summary says so; take figures from the yearly totals themselves.
    """
    from ivpanalysis.errors import DataError

    idx = _trend._to_period_index(yearly.index, "yearly totals")
    if _trend._freq_letter(idx) != "Y":
        raise DataError.at("yearly totals", "not annual periods", found=idx.freqstr, expected="one total per year")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    shape = np.exp(seasonal_amplitude * np.sin(2 * np.pi * np.arange(12) / 12))
    shape = shape / shape.sum()
    months = pd.period_range(f"{idx.min().year}-01", f"{idx.max().year}-12", freq="M")
    out = pd.Series(np.nan, index=months, name="aantal")
    for p, total in zip(idx, yearly.to_numpy(dtype=float)):
        if not np.isfinite(total):
            continue
        mu = total * shape
        lam = rng.gamma(1.0 / alpha, mu * alpha) if alpha > 0 else mu
        out[pd.period_range(f"{p.year}-01", periods=12, freq="M")] = rng.poisson(lam).astype(float)
    out.attrs.update(simulated=True, demonstration=True, label=SIMULATED_LABEL, region_name=region_name,
                     measure_label=str(yearly.attrs.get("measure_label", "")))
    return out


def projection_check(design: Design, reps: int = 500, fit_months: int = 96, seed: int = 20240502,
                     n_sims: int = 4000, level: float = 0.95, **fit_options) -> dict:
    """How well :func:`ivpanalysis.trend.project` predicts the last calendar year of simulated series.

    Each replicate simulates ``design``, fits the first ``fit_months`` months and projects the last
    year of the series. Returns reps, the projected year, ``pi_coverage`` (share of actual year
    totals inside the prediction interval), ``mean_pit`` and ``pit_sd`` (the randomised probability
    integral transform, ``prob_below`` at the actual total plus a uniform share of ties: uniform on
    (0, 1) — mean 0.5, s.d. 0.289 — when ``prob_below`` is calibrated) and ``below_median_share``
    (share of actual totals below the projection's median; 0.5 when calibrated).
    """
    rng_u = np.random.default_rng([seed, 1])
    year = pd.Period(design.start, "M") + (design.n_months - 1)
    year = year.year
    inside, pits, below = 0, [], 0
    n = 0
    for r in range(reps):
        s = simulate_series(design, seed=[seed, r])
        fit = _trend.fit_trend(s.iloc[:fit_months], **fit_options)
        if not fit.ok:
            continue
        p = _trend.project(fit, year, n_sims=n_sims, seed=r, level=level)
        actual = float(s[s.index.year == year].sum())
        n += 1
        inside += p.lower <= actual <= p.upper
        pits.append(float((p.draws < actual).mean() + rng_u.uniform() * (p.draws == actual).mean()))
        below += actual < float(np.median(p.draws))
    pits = np.asarray(pits)
    return {"design": design.name, "fit_months": fit_months, "year": year, "reps": n,
            "pi_coverage": inside / n, "mc_se": float(np.sqrt(0.95 * 0.05 / n)),
            "mean_pit": float(pits.mean()), "pit_sd": float(pits.std()), "below_median_share": below / n}



# --- calibration under autocorrelation and the July 2018 break (issue 16) --------------------------

#: expected count per month of the three size levels (annual series: twelve times as much a year)
LEVELS = {"small": 20.0, "medium": 200.0, "large": 2000.0}
#: calibration lengths: months for monthly series, years for annual ones
MONTHLY_LENGTHS = (48, 96, 144)
ANNUAL_LENGTHS = (5, 8, 14)
RHOS = (0.0, 0.3, 0.5, 0.7)
#: last period of each series: months end in December so the next calendar year is 12 months ahead;
#: every series spans July 2018
_MONTHLY_START = {48: "2017-01", 96: "2014-01", 144: "2012-01"}
_ANNUAL_START = {5: 2015, 8: 2014, 14: 2010}


@dataclass(frozen=True)
class ARCell:
    """One cell of the autocorrelation calibration: NB counts around an AR(1) latent log level.

    ``log μ_t = log(level) + log(1 + pct/100)·t + season + covid + break + u_t``, u an AR(1) with
    coefficient ``rho`` per period and marginal s.d. ``sigma`` (0.10 a month, 0.05 a year); counts
    NB2 with ``alpha`` around exp(log μ). ``break_pct`` is the size of the July-2018 level shift in
    % (its sign alternates over replicates: ±). ``horizons`` future periods are simulated past the
    fitted ones (12 months, or 4 years) for the projection check.
    """

    freq: str  # "M" or "Y"
    n: int
    level: str
    rho: float
    break_pct: float = 0.0
    pct_per_year: float = -3.0
    alpha: float = 0.005
    seasonal_amplitude: float = 0.15
    covid_effect: float = -0.2

    @property
    def sigma(self) -> float:
        return 0.10 if self.freq == "M" else 0.05

    @property
    def horizon(self) -> int:
        return 12 if self.freq == "M" else 4

    @property
    def name(self) -> str:
        return f"{self.freq}{self.n}_{self.level}_rho{self.rho:g}_break{self.break_pct:g}"

    def periods(self) -> pd.PeriodIndex:
        """Fitted and future periods together."""
        if self.freq == "M":
            return pd.period_range(_MONTHLY_START[self.n], periods=self.n + self.horizon, freq="M")
        return pd.period_range(str(_ANNUAL_START[self.n]), periods=self.n + self.horizon, freq="Y")


def ar_cells() -> list[ARCell]:
    """The design of issue 16, item 5: lengths × levels × ρ × (no break, ±10 % break)."""
    out = []
    for freq, lengths in (("M", MONTHLY_LENGTHS), ("Y", ANNUAL_LENGTHS)):
        for n in lengths:
            for level in LEVELS:
                for rho in RHOS:
                    for brk in (0.0, 10.0):
                        out.append(ARCell(freq=freq, n=n, level=level, rho=rho, break_pct=brk))
    return out


def _share_in(periods: pd.PeriodIndex, first: str, last: str | None) -> np.ndarray:
    """Share of each period's months inside [first, last] (last open when None)."""
    return _trend._month_fraction(periods, first, last)


def ar_expected(cell: ARCell, sign: float = 1.0) -> np.ndarray:
    """Expected counts per period without the latent AR term (season, COVID, break as a share of months)."""
    idx = cell.periods()
    k = 1 if cell.freq == "M" else 12
    mid = _trend._months0(idx) + (k - 1) / 2.0
    t = (mid - mid[cell.n // 2]) / 12.0
    mu = LEVELS[cell.level] * k * np.exp(np.log1p(cell.pct_per_year / 100.0) * t)
    if cell.freq == "M":
        mu = mu * np.exp(cell.seasonal_amplitude * np.sin(2 * np.pi * (idx.month.to_numpy() - 1) / 12))
    covid = _share_in(idx, *_trend.COVID_DEFAULT)
    after = _share_in(idx, _trend.REGISTRATION_BREAK, None)
    mu = mu * (1 - covid + covid * np.exp(cell.covid_effect))
    return mu * (1 - after + after * (1 + sign * cell.break_pct / 100.0))


def simulate_ar(cell: ARCell, rng: np.random.Generator, reps: int) -> tuple[np.ndarray, np.ndarray]:
    """``reps`` simulated series of ``cell`` (rows; fitted then future periods) and the break signs.

    Simulated data, for checking the method only.
    """
    m = cell.n + cell.horizon
    signs = np.where(np.arange(reps) % 2 == 0, 1.0, -1.0)
    u = np.empty((reps, m))
    u[:, 0] = rng.normal(0.0, cell.sigma, reps)
    innov = rng.normal(0.0, cell.sigma * np.sqrt(1 - cell.rho ** 2), (reps, m))
    for t in range(1, m):
        u[:, t] = cell.rho * u[:, t - 1] + innov[:, t]
    base = np.vstack([ar_expected(cell, 1.0), ar_expected(cell, -1.0)])
    mu = base[(signs < 0).astype(int)] * np.exp(u - cell.sigma ** 2 / 2)
    lam = rng.gamma(1.0 / cell.alpha, mu * cell.alpha)
    return rng.poisson(lam).astype(float), signs


def _future_blocks(cell: ARCell, X_all: np.ndarray) -> list[np.ndarray]:
    """Design rows of each projected total: the 12 months after the fit, or each of the 4 years."""
    fut = X_all[cell.n:]
    return [fut] if cell.freq == "M" else [fut[h:h + 1] for h in range(cell.horizon)]


def calibrate(cell: ARCell, reps: int, seed: int = 20261201, n_sims: int = 2000, chunk: int = 0,
              **fit_options) -> dict:
    """Coverage of the slope and projection intervals and the residual check's firing rate in one cell.

    Fits with :func:`ivpanalysis.analysis.trend.fit_arrays` on the design :func:`fit_trend` would build
    (checked equal in tests), so a cell of 1000 series takes seconds; annual series shorter than
    ``trend.MIN_ANNUAL_POINTS`` are declined as ``fit_trend`` declines them (``declined``).
    Replicates come from ``default_rng([seed, *cell key, chunk])``: any cell (and any chunk of
    replicates of it) can be rerun alone.
    """
    key = [seed, 0 if cell.freq == "M" else 1, cell.n, list(LEVELS).index(cell.level),
           int(round(cell.rho * 10)), int(cell.break_pct), chunk]
    rng = np.random.default_rng(key)
    y_all, signs = simulate_ar(cell, rng, reps)
    periods = cell.periods()
    X_df, spec, _ = _trend.model_design(periods[:cell.n])
    spec["columns"] = list(X_df.columns)
    X_all = _trend._design(periods, spec)[spec["columns"]].to_numpy()
    pos = _trend._months0(periods[:cell.n]) // (1 if cell.freq == "M" else 12)
    truth = np.log1p(cell.pct_per_year / 100.0)
    blocks = _future_blocks(cell, X_all)
    out = {"cell": cell.name, "chunk": chunk, "reps": reps, "declined": 0, "fitted": 0, "slope_covered": 0, "check_fired": 0,
           "proj_n": [0] * len(blocks), "proj_covered": [0] * len(blocks)}
    if cell.freq == "Y" and cell.n < _trend.MIN_ANNUAL_POINTS:
        out["declined"] = reps
        return out
    for r in range(reps):
        fit = _trend.fit_arrays(y_all[r, :cell.n], X_all[:cell.n], pos, cell.freq, **fit_options)
        iv, d = fit["interval"], fit["diagnostics"]
        out["fitted"] += 1
        lo, hi = np.log1p(iv["lo"] / 100.0), np.log1p(iv["hi"] / 100.0)
        out["slope_covered"] += int(lo <= truth <= hi)
        out["check_fired"] += int(d["autocorrelated"])
        kind = _trend._DISPERSION_KIND[fit["alpha_method"]]
        for h, Xf in enumerate(blocks):
            draws = _trend.draw_totals(fit["beta"], fit["cov"], fit["alpha"], kind, fit["df_t"],
                                       d["working_rho"], d["working_share"], Xf, 0.0, rng, n_sims)
            lower, upper = np.quantile(draws, [0.025, 0.975])
            actual = y_all[r, cell.n:].sum() if cell.freq == "M" else y_all[r, cell.n + h]
            out["proj_n"][h] += 1
            out["proj_covered"][h] += int(lower <= actual <= upper)
    return out
