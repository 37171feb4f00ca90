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
                     measure_label=str(yearly.attrs.get("measure_label", "")),
                     note="gesimuleerd rond de echte jaartotalen; geen echte maandcijfers")
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

