"""Objective versus subjective safety: does the feeling of unsafety follow registered crime? Numbers only.

Two views, both with their uncertainty (see docs/methods-gap.md):

* :func:`gap_across` — across units (municipalities, basisteams, provinces): % feeling unsafe
  regressed on log(registered crime per 1.000 inhabitants), with urbanity when given, weighted by
  survey precision. A unit's gap is its leave-one-out (externally studentized) residual with a 95 %
  prediction interval; it is flagged only when it falls outside that interval.
* :func:`gap_over_time` — one municipality over the years: both series indexed to the first year
  (=100), and per year a verdict whether the change in the feeling is distinguishable from
  "unchanged" and from "moved in step with crime", given the survey margins.

Builders turn tidy frames into these inputs (:func:`across_input`, :func:`over_time_input`).
Results are frames with keys (verdicts, quadrants, notes) and numbers; the Dutch text is written
by :mod:`ivpanalysis.present.gap_text`, the simulation check lives in
:mod:`ivpanalysis.analysis.gap_simulation`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ivpanalysis.analysis import noise, police
from ivpanalysis import paths
from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError, Problem

LEVEL = 0.95
Z95 = float(stats.norm.ppf(0.975))  # margins are published as 95 % margins: SE = margin / 1.96
#: Veiligheidsmonitor design minimum per 70 000+ gemeente and per basisteam (CBS onderzoeksverantwoording)
ASSUMED_N = 300

UNSAFE_MEASURES = ("voelt_zich_wel_eens_onveilig_in_buurt", "pct_onveilig_buurt")
CRIME_MEASURES = ("0.0.0", "T001161|totaal_geregistreerde_misdrijven", "T001161", "criminaliteit_totaal")
POPULATION_MEASURES = ("bevolking_aan_het_einde_van_de_periode", "BevolkingAanHetEindeVanDePeriode",
                       "bevolking_aan_het_begin_van_de_periode", "BevolkingAanHetBeginVanDePeriode", "inwoners")
GRADE_MEASURES = ("rapportcijfer_veiligheid_in_buurt", "rapportcijfer_veiligheid_buurt")
UNIT_KINDS = ("municipality", "province", "police_unit")

#: quadrant keys (z-score of ln crime high/low, then of % unsafe); labels in present.gap_text
QUADRANT_KEYS = ("hoog_hoog", "hoog_laag", "laag_hoog", "laag_laag")

#: verdict keys of gap_over_time; their Dutch wording is present.gap_text.VERDICTS
VERDICT_KEYS = ("referentiejaar", "geen_meting", "onbeslist", "beweegt_mee", "beweegt_niet_mee",
                "beweegt_sterker_mee", "beweegt_zwakker_mee", "beweegt_tegen", "beweegt_los_van", "methodebreuk")

#: first survey year after the Veiligheidsmonitor's method change (internet-only, new questionnaire)
SURVEY_BREAK_YEAR = 2021
#: first full year after the July 2018 registration change (related offences registered separately)
CRIME_BREAK_YEAR = 2019


# --- input checks ------------------------------------------------------------------------------

def _where(df: pd.DataFrame, default: str) -> str:
    return str(df.attrs.get("source_file") or default)


def _require(df: pd.DataFrame, cols: Iterable[str | tuple[str, ...]], what: str) -> None:
    """Each entry of ``cols`` must be a column; a tuple entry means any one of its names."""
    missing = [c if isinstance(c, tuple) else (c,) for c in cols]
    missing = [alts for alts in missing if not any(a in df.columns for a in alts)]
    if missing:
        raise DataError([Problem(_where(df, what), "required column is missing", column=alts[-1],
                                 found=", ".join(map(str, df.columns)),
                                 expected="a column " + " or ".join(map(repr, alts))) for alts in missing])


def _numeric(df: pd.DataFrame, col: str, what: str, label_col: str | None) -> pd.Series:
    """Column as float; text that is not a number is an error naming the row; empty stays NaN."""
    raw = df[col]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.astype(float)
    num = pd.to_numeric(raw, errors="coerce")
    bad = num.isna() & raw.notna() & ~raw.astype(str).str.strip().isin(["", "nan", "NaN", "<NA>", "None"])
    if bad.any():
        raise DataError([Problem(_where(df, what), f"row {i + 1}{_label(df, label_col, i)}: not a number", column=col,
                                 found=str(raw.iloc[i]), expected="a number (or empty when not available)")
                         for i in np.flatnonzero(bad.to_numpy())])
    return num.astype(float)


def _label(df: pd.DataFrame, label_col: str | None, i: int) -> str:
    return f" ({label_col} {df[label_col].iloc[i]!r})" if label_col and label_col in df.columns else ""


def _check_range(df, values: pd.Series, col: str, what: str, label_col, ok, kind: str, expected: str) -> None:
    """Finite values of ``col`` must satisfy ``ok``; else an error per row: expected a ``kind`` ``expected``."""
    v = values.to_numpy()
    bad = np.isfinite(v) & ~ok(v)
    if bad.any():
        raise DataError([Problem(_where(df, what), f"row {i + 1}{_label(df, label_col, i)}: value out of range",
                                 column=col, found=str(v[i]), expected=f"a {kind} {expected}")
                         for i in np.flatnonzero(bad)])


# --- the model across units ------------------------------------------------------------------

#: Huber's tuning constant: residuals beyond 1.345 sd count as 1.345 sd (95 % efficiency at the normal)
HUBER_C = 1.345
#: a unit whose leave-one-out z exceeds this two-sided level is set aside from the other units' fits
SET_ASIDE_LEVEL = 0.99
#: between-unit variance estimators of gap_across: robust (default) and DerSimonian–Laird moments
TAU_METHODS = ("huber", "moments")


def _huber_constants(c: float | None = None) -> tuple[float, float]:
    """E ψ_c(Z)² (consistency at the normal) and the efficiency (2Φ(c) − 1)² / E ψ_c(Z)² of Huber's ψ."""
    c = HUBER_C if c is None else c
    phi, cdf = stats.norm.pdf(c), stats.norm.cdf(c)
    kappa = 2 * cdf - 1 - 2 * c * phi + 2 * c ** 2 * (1 - cdf)
    return float(kappa), float((2 * cdf - 1) ** 2 / kappa)


@dataclass
class _Fits:
    """K fits of the model at once (one per weight mask): coefficients, their covariance, τ²."""
    beta: np.ndarray  # (K, p)
    cov: np.ndarray   # (K, p, p)
    tau2: np.ndarray  # (K,) between-unit variance beyond sampling error (points²)


def _wls(X: np.ndarray, y: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares for each row of weights ``W`` (K, n): coefficients (K, p) and X'WX (K, p, p)."""
    A = np.einsum("kn,na,nb->kab", W, X, X)
    beta = np.linalg.solve(A, np.einsum("kn,na,n->ka", W, X, y)[..., None])[..., 0]
    return beta, A


def _moments_tau2(X: np.ndarray, y: np.ndarray, v: np.ndarray, M: np.ndarray) -> np.ndarray:
    """τ² per mask: DerSimonian–Laird for meta-regression, or the residual mean square without margins."""
    n_k, p = M.sum(axis=1), X.shape[1]
    if not np.any(v > 0):
        beta, _ = _wls(X, y, M)
        return (M * (y - beta @ X.T) ** 2).sum(axis=1) / (n_k - p)
    w = M / v
    beta, A = _wls(X, y, w)
    q = (w * (y - beta @ X.T) ** 2).sum(axis=1)
    B = np.einsum("kn,na,nb->kab", w ** 2, X, X)
    c = w.sum(axis=1) - np.einsum("kaa->k", np.linalg.solve(A, B))
    return np.where(c > 0, np.maximum(0.0, (q - (n_k - p)) / np.where(c > 0, c, 1.0)), 0.0)


def _huber_tau2(r: np.ndarray, v: np.ndarray, M: np.ndarray, target: np.ndarray, start: np.ndarray) -> np.ndarray:
    """τ² ≥ 0 solving Σ ψ_c(r / √(v + τ²))² = target per mask (Huber's proposal 2), by Newton from ``start``.

    The left side falls with τ²; where it is below the target at τ² = 0 the sampling error alone
    explains the spread and τ² = 0.
    """
    zero = (M * np.minimum(r ** 2 / np.maximum(v, 1e-300), HUBER_C ** 2)).sum(axis=1) <= target
    t = np.maximum(start, 1e-8 * (M * r ** 2).sum(axis=1) / np.maximum(target, 1e-300))
    for _ in range(100):
        s2 = v + t[:, None]
        z2 = r ** 2 / s2
        inside = M * (z2 < HUBER_C ** 2)
        g = (M * np.minimum(z2, HUBER_C ** 2)).sum(axis=1) - target
        dg = -(inside * z2 / s2).sum(axis=1)
        # damped: never below a tenth of the last value, so v + τ² stays above 0 without margins
        t_new = np.maximum(t / 10, np.where(dg < 0, t - g / np.where(dg < 0, dg, -1.0), 2 * t))
        if np.all(np.abs(t_new - t) <= 1e-12 * (1 + t)):
            t = t_new
            break
        t = t_new
    return np.where(zero, 0.0, t)


def _huber(X: np.ndarray, y: np.ndarray, v: np.ndarray, M: np.ndarray, beta: np.ndarray,
           tau2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Huber M-estimate of β and τ², iterated from ``beta``, ``tau2``: units far from the line are down-weighted.

    β by iteratively reweighted least squares with weights h / (v + τ²), h = min(1, c / |z|);
    τ² by Huber's proposal 2 with the residual degrees of freedom, Σ ψ_c(z)² = (n − p)·E ψ_c(Z)²,
    so that at the normal it estimates the same τ² as the moments do while one unit far off
    adds at most c² instead of z².
    """
    kappa, _ = _huber_constants()
    target = (M.sum(axis=1) - X.shape[1]) * kappa
    for _ in range(500):
        s = np.sqrt(v + tau2[:, None] + 1e-12)
        z = np.abs(y - beta @ X.T) / s
        h = np.minimum(1.0, HUBER_C / np.maximum(z, 1e-12))
        beta_new, _ = _wls(X, y, M * h / s ** 2)
        tau2_new = _huber_tau2(y - beta_new @ X.T, v, M, target, tau2)
        step = max(np.max(np.abs(beta_new - beta)), np.max(np.abs(tau2_new - tau2)))
        beta, tau2 = beta_new, tau2_new
        if step < 1e-9:
            break
    return beta, tau2


def _fit_many(X: np.ndarray, y: np.ndarray, v: np.ndarray, M: np.ndarray, method: str,
              start: _Fits | None = None) -> _Fits:
    """The model y = Xβ + u + e, u ~ N(0, τ²), e ~ N(0, v), fitted once per 0/1 weight mask (rows of ``M``).

    ``moments``: τ² by DerSimonian–Laird (without margins: OLS, τ² the residual mean square) and β
    by WLS with weights 1 / (v + τ²), Cov(β) = (X'WX)⁻¹. ``huber``: β and τ² by :func:`_huber`,
    Cov(β) = (X'WX)⁻¹ / efficiency at the normal; iterated from ``start`` (a fit to nearly the same
    units) when given, else from the moments fit.
    """
    tau2 = _moments_tau2(X, y, v, M)
    if method == "huber":
        if start is None:
            beta, _ = _wls(X, y, M / (v + tau2[:, None] + 1e-12))
        else:
            beta, tau2 = np.repeat(start.beta, len(M), axis=0), np.repeat(start.tau2, len(M))
        beta, tau2 = _huber(X, y, v, M, beta, tau2)
        _, A = _wls(X, y, M / (v + tau2[:, None] + 1e-12))
        return _Fits(beta, np.linalg.inv(A) / _huber_constants()[1], tau2)
    beta, A = _wls(X, y, M / (v + tau2[:, None] + 1e-12))
    return _Fits(beta, np.linalg.inv(A), tau2)


def _design(log_crime: np.ndarray, urbanity: pd.Series | None) -> tuple[np.ndarray, list[str]]:
    cols = [np.ones_like(log_crime), log_crime]
    names = ["intercept", "log_crime_per_1000"]
    if urbanity is not None:
        levels = sorted(pd.unique(urbanity.astype(str)))
        for lev in levels[1:]:
            cols.append((urbanity.astype(str).to_numpy() == lev).astype(float))
            names.append(f"urbanity[{lev}]")
    return np.column_stack(cols), names


@dataclass
class _Across:
    """Checked input of :func:`gap_across`: the frame, its numbers and what was assumed."""
    out: pd.DataFrame
    crime: np.ndarray
    pct: np.ndarray
    se: np.ndarray          # sampling SE per unit (NaN without margins)
    has_margin: bool
    urbanity: pd.Series | None
    complete: np.ndarray    # rows that enter the fit
    notes: list[dict]


def _check_across(df: pd.DataFrame) -> _Across:
    """Validate the units frame (columns, duplicates, numbers, ranges) and settle margins and urbanity."""
    what = "gap_across input"
    _require(df, ("unit", "crime_per_1000", "pct_unsafe"), what)
    out = df.copy()
    out.attrs = dict(df.attrs)
    dup = out["unit"].duplicated().to_numpy()
    if dup.any():
        raise DataError([Problem(_where(df, what), f"row {i + 1}: unit appears more than once", column="unit",
                                 found=str(out['unit'].iloc[i]), expected="one row per unit")
                         for i in np.flatnonzero(dup)])
    crime = _numeric(out, "crime_per_1000", what, "unit")
    pct = _numeric(out, "pct_unsafe", what, "unit")
    _check_range(out, crime, "crime_per_1000", what, "unit", lambda v: v > 0, "rate", "above 0")
    _check_range(out, pct, "pct_unsafe", what, "unit", lambda v: (v >= 0) & (v <= 100), "percentage", "from 0 to 100")
    notes: list[dict] = []
    has_margin = "margin" in out.columns and _numeric(out, "margin", what, "unit").notna().any()
    se = np.full(len(out), np.nan)
    if has_margin:
        margin = _numeric(out, "margin", what, "unit")
        _check_range(out, margin, "margin", what, "unit", lambda v: v > 0, "margin", "above 0")
        gaps = margin.isna() & crime.notna() & pct.notna()
        if gaps.any():
            fill = float(margin.median())
            margin = margin.fillna(fill)
            notes.append({"key": "margin_filled", "units": out.loc[gaps, "unit"].tolist(), "margin": fill})
        se = (margin / Z95).to_numpy()
    else:
        notes.append({"key": "no_margins"})
    urb = out["urbanity"] if "urbanity" in out.columns else None
    complete = (crime.notna() & pct.notna()).to_numpy().copy()
    if urb is not None:
        no_urb = complete & urb.isna().to_numpy()
        if no_urb.any():
            notes.append({"key": "no_urbanity", "units": out.loc[no_urb, "unit"].tolist()})
        complete &= urb.notna().to_numpy()
    return _Across(out, crime.to_numpy(), pct.to_numpy(), se, bool(has_margin), urb, complete, notes)


def _leave_one_out(X: np.ndarray, y: np.ndarray, v: np.ndarray, method: str,
                   full: _Fits) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit the prediction from the fit to the other units and its sd √(τ²₍₋ᵢ₎ + v + x'Cov₍₋ᵢ₎x).

    All n leave-one-out fits at once. NaN for the only unit of its urbanity class: without it the
    class has no one to compare with. With ``huber``, units whose own leave-one-out z exceeds the
    two-sided :data:`SET_ASIDE_LEVEL` quantile are then left out of every other unit's fit as well
    (returned as a mask), so one unit far off cannot widen the others' intervals.
    """
    n, p = X.shape
    dummies = X[:, 2:] != 0
    sole = (dummies & (dummies.sum(axis=0) == 1)).any(axis=1)
    M = 1.0 - np.eye(n)
    M[sole] = 1.0  # placeholder fits, discarded below
    expected, sd_pred = _predict(X, y, v, M, method, full)
    aside = np.zeros(n, dtype=bool)
    if method == "huber":
        cut = float(stats.t.ppf(0.5 + SET_ASIDE_LEVEL / 2, n - p - 1))
        aside = np.abs(y - expected) / sd_pred > cut
        if aside.any() and n - aside.sum() - 1 >= p + 2:
            M2 = M * ~aside[None, :]
            e2, s2 = _predict(X, y, v, M2, method, full)
            expected, sd_pred = np.where(aside, expected, e2), np.where(aside, sd_pred, s2)
        else:
            aside[:] = False
    expected[sole], sd_pred[sole] = np.nan, np.nan
    return expected, sd_pred, aside


def _predict(X: np.ndarray, y: np.ndarray, v: np.ndarray, M: np.ndarray, method: str,
             full: _Fits) -> tuple[np.ndarray, np.ndarray]:
    """Prediction for unit k from the fit with weight mask row k, and its sd (diagonal of the K = n fits)."""
    f = _fit_many(X, y, v, M, method, start=full)
    expected = np.einsum("ka,ka->k", X, f.beta)
    return expected, np.sqrt(f.tau2 + v + np.einsum("ka,kab,kb->k", X, f.cov, X))


def _shrunken(X: np.ndarray, y: np.ndarray, v: np.ndarray, full: _Fits, level: float) -> dict[str, np.ndarray]:
    """Empirical-Bayes estimate of each unit's true gap u with its ``level`` interval.

    Given τ² and the line (full fit), u | y ~ N(B·r, τ²v/(τ² + v) + B²·x'Cov x) with B = τ²/(τ² + v)
    and r = y − xβ: a unit measured imprecisely is pulled towards the line, a precise one keeps its
    own residual. The interval uses t on n − p degrees of freedom for the estimated τ² and β.
    """
    tau2 = float(full.tau2[0])
    r = y - X @ full.beta[0]
    B = tau2 / (tau2 + v) if tau2 > 0 else np.zeros_like(v)
    pev = tau2 * v / (tau2 + v + 1e-300) + B ** 2 * np.einsum("ka,ab,kb->k", X, full.cov[0], X)
    q = float(stats.t.ppf(0.5 + level / 2, len(y) - X.shape[1]))
    g = B * r
    return {"gap_shrunk": g, "gap_shrunk_lower": g - q * np.sqrt(pev), "gap_shrunk_upper": g + q * np.sqrt(pev),
            "shrinkage": 1 - B}


def chance_flags(n_units: int, level: float = LEVEL) -> dict[str, float]:
    """How many of ``n_units`` units fall outside a ``level`` interval by chance alone (independent units).

    ``expected`` = n·(1 − level); ``low``/``high`` the central 95 % range of that count (binomial);
    ``at_least_one`` the probability of one or more chance flags, 1 − level^n.
    """
    p = 1 - level
    return {"n_units": int(n_units), "expected": n_units * p, "low": float(stats.binom.ppf(0.025, n_units, p)),
            "high": float(stats.binom.ppf(0.975, n_units, p)), "at_least_one": 1 - level ** n_units}


def _add_intervals(out: pd.DataFrame, pct: np.ndarray, expected: np.ndarray, sd_pred: np.ndarray, tq: float) -> None:
    """Residual, z, the prediction interval, the gap's interval and the flag (in place)."""
    out["expected"] = expected
    out["residual"] = pct - expected
    out["sd_pred"] = sd_pred
    out["residual_z"] = out["residual"] / sd_pred
    out["lower"] = expected - tq * sd_pred
    out["upper"] = expected + tq * sd_pred
    # the same interval seen from the gap: it excludes 0 exactly when the unit is flagged
    out["residual_lower"] = pct - out["upper"]
    out["residual_upper"] = pct - out["lower"]
    fitted = np.isfinite(expected)
    flag = pd.array([pd.NA] * len(out), dtype="boolean")
    flag[fitted] = (pct[fitted] < out["lower"].to_numpy()[fitted]) | (pct[fitted] > out["upper"].to_numpy()[fitted])
    out["flag"] = flag


def _add_quadrants(out: pd.DataFrame, a: _Across) -> None:
    """z-scores of ln crime and % unsafe across the fitted units and the quadrant key (in place)."""
    lc = np.log(a.crime)
    y = a.pct[a.complete]
    cz = (lc - lc[a.complete].mean()) / lc[a.complete].std(ddof=1)
    uz = (a.pct - y.mean()) / y.std(ddof=1)
    out["crime_z"] = np.where(a.complete, cz, np.nan)
    out["unsafe_z"] = np.where(a.complete, uz, np.nan)
    quad = np.where(cz >= 0, "hoog_", "laag_").astype(object) + np.where(uz >= 0, "hoog", "laag").astype(object)
    out["quadrant"] = pd.Series(np.where(a.complete, quad, None), index=out.index, dtype=object)


def gap_across(df: pd.DataFrame, level: float = LEVEL, tau_method: str = "huber") -> pd.DataFrame:
    """The objective-subjective gap of each unit, with a prediction interval.

    ``df`` has one row per unit with ``unit``, ``crime_per_1000`` (> 0), ``pct_unsafe`` (0–100)
    and optionally ``margin`` (the published 95 % margin of ``pct_unsafe``, in points) and
    ``urbanity`` (a class such as CBS stedelijkheid 1–5, used as categories).

    Model: pct_unsafe = a + b·ln(crime_per_1000) [+ urbanity class] + u + e, with e the sampling
    error (SE = margin / 1.96) and u ~ N(0, τ²) the ordinary differences between units; weights
    1 / (SE² + τ²). Without margins all units get equal weight and τ² absorbs the sampling error
    as well. ``tau_method``: ``huber`` (default) estimates β and τ² robustly, so one unit far off
    does not inflate τ² and hide every other unit; ``moments`` is DerSimonian–Laird (OLS without
    margins). Each unit is compared with the line fitted to the *other* units (leave one out), so a
    unit with a large gap cannot pull its own expectation towards itself:

    * ``expected`` – predicted % from the other units; ``residual`` = pct_unsafe − expected;
    * ``residual_z`` – residual / its standard deviation (τ² + SE² + parameter uncertainty): the
      externally studentized residual (exactly so in the OLS case);
    * ``lower``/``upper`` – the ``level`` prediction interval of pct_unsafe, expected ± t·sd with
      t from Student's t on n − p − 1 degrees of freedom;
    * ``flag`` – True when pct_unsafe is outside the interval (⇔ |residual_z| > t);
    * ``residual_lower``/``residual_upper`` – the interval of the gap itself (pct − upper,
      pct − lower): it excludes 0 exactly when the unit is flagged (the caterpillar's bars).

    * ``gap_shrunk`` (+ ``_lower``/``_upper``) – the empirical-Bayes estimate of the unit's true gap
      with its interval (margins needed; NaN without), ``shrinkage`` the share pulled to the line.

    Also ``se``, ``sd_pred``, ``crime_z``/``unsafe_z`` (z-scores of ln crime and of % unsafe across
    the fitted units) and ``quadrant`` (a key of :data:`QUADRANT_KEYS`) for the charts. Units with a
    missing value are kept with NaN results and a ``flag`` of <NA>. ``attrs`` carry the model,
    coefficients, τ, ``chance_flags`` (:func:`chance_flags`) and ``notes`` (keyed records of what was assumed; worded by present.gap_text).
    """
    if tau_method not in TAU_METHODS:
        raise ValueError(f"tau_method must be one of {TAU_METHODS}, not {tau_method!r}")
    a = _check_across(df)
    idx = np.flatnonzero(a.complete)
    X, names = _design(np.log(a.crime[idx]), a.urbanity.iloc[idx] if a.urbanity is not None else None)
    y = a.pct[idx]
    v = a.se[idx] ** 2 if a.has_margin else np.zeros(len(idx))
    n, p = X.shape
    if n < p + 3:
        raise DataError(Problem(_where(df, "gap_across input"), f"only {n} unit(s) with both crime and % unsafe",
                                column="pct_unsafe", expected=f"at least {p + 3} complete units for {p} model terms"))
    full = _fit_many(X, y, v, np.ones((1, n)), tau_method)
    expected, sd_pred = np.full(len(a.out), np.nan), np.full(len(a.out), np.nan)
    expected[idx], sd_pred[idx], aside = _leave_one_out(X, y, v, tau_method, full)
    a.notes += [{"key": key, "units": a.out["unit"].iloc[idx[which]].tolist()} for key, which in
                (("set_aside", aside), ("not_comparable", ~np.isfinite(expected[idx]))) if which.any()]
    out = a.out
    out["se"] = a.se
    tq = float(stats.t.ppf(0.5 + level / 2, n - p - 1))
    _add_intervals(out, a.pct, expected, sd_pred, tq)
    for col, values in _shrunken(X, y, v, full, level).items():
        out[col] = np.nan
        out.loc[out.index[idx], col] = values if a.has_margin else np.nan
    _add_quadrants(out, a)
    out.attrs.update(_across_attrs(a, names, full, tau_method, level, tq, int(np.isfinite(expected).sum())))
    return out


def _across_attrs(a: _Across, names: list[str], full: _Fits, tau_method: str, level: float, tq: float,
                  n_compared: int) -> dict:
    """The model statement, estimates and counts that gap_across leaves in ``attrs``."""
    n, p = int(a.complete.sum()), len(names)
    terms = ["log(crime_per_1000)"] + (["C(urbanity)"] if a.urbanity is not None else [])
    return {"model": "pct_unsafe ~ " + " + ".join(terms), "weights": "inverse_total_variance" if a.has_margin else "equal",
            "coefficients": dict(zip(names, map(float, full.beta[0]))),
            "std_errors": dict(zip(names, map(float, np.sqrt(np.diag(full.cov[0]))))),
            "tau": float(np.sqrt(full.tau2[0])), "tau_method": tau_method, "n_units": n, "df": n - p - 1,
            "t_quantile": tq, "level": level, "has_margin": a.has_margin, "notes": a.notes,
            "interval": "leave_one_out", "chance_flags": chance_flags(n_compared, level)}


def slope_per_10pct(res: pd.DataFrame) -> float:
    """Points % unsafe associated with 10 % more registered crime per 1.000, from ``gap_across`` attrs."""
    return res.attrs["coefficients"]["log_crime_per_1000"] * float(np.log(1.1))


def slope_per_10pct_interval(res: pd.DataFrame) -> tuple[float, float]:
    """The ``level`` confidence interval of :func:`slope_per_10pct` (t on n − p degrees of freedom)."""
    a = res.attrs
    half = float(stats.t.ppf(0.5 + a["level"] / 2, a["n_units"] - len(a["coefficients"]))) \
        * a["std_errors"]["log_crime_per_1000"] * float(np.log(1.1))
    slope = slope_per_10pct(res)
    return slope - half, slope + half


# --- one municipality over time --------------------------------------------------------------

def _srs_margin(pct: np.ndarray, n: int) -> np.ndarray:
    p = pct / 100.0
    return Z95 * np.sqrt(p * (1 - p) / n) * 100.0


def _check_over_time(df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pd.Series | None, np.ndarray]:
    """Validated rows sorted by year (``year``, ``crime``, ``pct_unsafe``), the margins, the grades and the order."""
    what = "gap_over_time input"
    crime_col = "crime_per_1000" if "crime_per_1000" in df.columns else "crime_count"
    _require(df, ("year", ("crime_per_1000", "crime_count"), "pct_unsafe"), what)
    d = df.copy()
    year = _numeric(d, "year", what, None)
    if year.isna().any():
        i = int(np.flatnonzero(year.isna().to_numpy())[0])
        raise DataError.at(_where(df, what), f"row {i + 1}: year is missing", column="year", expected="a year such as 2016")
    if year.duplicated().any():
        i = int(np.flatnonzero(year.duplicated().to_numpy())[0])
        raise DataError.at(_where(df, what), f"row {i + 1}: year appears more than once", column="year",
                           found=str(int(year.iloc[i])), expected="one row per year for one municipality")
    crime = _numeric(d, crime_col, what, "year")
    pct = _numeric(d, "pct_unsafe", what, "year")
    _check_range(d, crime, crime_col, what, "year", lambda v: v > 0, "number", "above 0")
    _check_range(d, pct, "pct_unsafe", what, "year", lambda v: (v >= 0) & (v <= 100), "percentage", "from 0 to 100")
    margin = _numeric(d, "margin", what, "year") if "margin" in d.columns else pd.Series(np.nan, index=d.index)
    _check_range(d, margin, "margin", what, "year", lambda v: v > 0, "margin", "above 0")
    grade = _numeric(d, "rapportcijfer", what, "year") if "rapportcijfer" in d.columns else None
    order = np.argsort(year.to_numpy(), kind="stable")
    out = pd.DataFrame({"year": year.to_numpy()[order].astype(int), "crime": crime.to_numpy()[order],
                        "pct_unsafe": pct.to_numpy()[order]})
    return out, margin.to_numpy()[order], grade, order


def _verdict(lo: float, hi: float, h_step: float, crime_sign: float, diff: float) -> str:
    """Compare the change's interval [lo, hi] with 0 ("unchanged") and with ``h_step`` ("in step with crime")."""
    still_ok, step_ok = lo <= 0 <= hi, lo <= h_step <= hi
    if crime_sign == 0:
        return "beweegt_mee" if still_ok else "beweegt_los_van"
    if still_ok and step_ok:
        return "onbeslist"
    if step_ok:
        return "beweegt_mee"
    if still_ok:
        return "beweegt_niet_mee"
    if np.sign(diff) == crime_sign:
        return "beweegt_sterker_mee" if abs(diff) > abs(h_step) else "beweegt_zwakker_mee"
    return "beweegt_tegen"


def _verdicts(out: pd.DataFrame, b: int) -> list[str]:
    """The verdict key of every year against the reference row ``b`` (see :data:`VERDICT_KEYS`)."""
    base_year, p0 = int(out["year"].iloc[b]), out["pct_unsafe"].iloc[b]
    verdicts = []
    for i, r in enumerate(out.itertuples(index=False)):
        if i == b:
            verdicts.append("referentiejaar")
        elif not (np.isfinite(r.diff) and np.isfinite(r.crime)):
            verdicts.append("geen_meting")
        elif (base_year < SURVEY_BREAK_YEAR) != (int(r.year) < SURVEY_BREAK_YEAR):
            verdicts.append("methodebreuk")
        else:
            verdicts.append(_verdict(float(r.diff_lower), float(r.diff_upper), r.in_step - p0,
                                     float(np.sign(r.crime_index - 100)), float(r.diff)))
    return verdicts


def _over_time_notes(out: pd.DataFrame, has_rate: bool, base_year: int, assumed_n: int) -> list[dict]:
    """Keyed records of what the comparison over time assumed or could not compare."""
    notes: list[dict] = []
    if not has_rate:
        notes.append({"key": "count_for_rate"})
    assumed = out["margin_assumed"].fillna(False).to_numpy(bool)
    if assumed.any():
        notes.append({"key": "margin_assumed", "years": out.loc[assumed, "year"].tolist(), "assumed_n": assumed_n})
    if base_year < CRIME_BREAK_YEAR and (out["year"].to_numpy() >= CRIME_BREAK_YEAR).any():
        notes.append({"key": "crime_break"})
    if (out["verdict"] == "methodebreuk").any():
        notes.append({"key": "survey_break"})
    return notes


def gap_over_time(df: pd.DataFrame, level: float = LEVEL, assumed_n: int = ASSUMED_N,
                  crime_alpha: float | None = None) -> pd.DataFrame:
    """Registered crime and % feeling unsafe of one municipality, indexed to the first year (=100).

    ``df`` has rows with ``year``, ``crime_per_1000`` (or ``crime_count``; then the count stands in
    for the rate and ``attrs['crime_basis']`` says so), ``pct_unsafe`` and optionally ``margin``
    (95 %, points) and ``rapportcijfer``. Years without a survey keep NaN.

    The reference year is the first year with both crime and % unsafe. For every later survey
    year the change in % unsafe (points) gets a ``level`` interval from both years' margins
    (independent samples); where a margin is missing it is assumed from simple random sampling of
    ``assumed_n`` respondents (the Veiligheidsmonitor's design minimum) and ``margin_assumed`` is
    True. The verdict compares that interval with two readings: "unchanged" (0) and "in step with
    crime" (the % unsafe the crime index would give: ref × crime index / 100); see :data:`VERDICT_KEYS`.

    When counts are given (``crime_count``), ``crime_p``/``crime_changed`` say whether crime's own
    change against the reference year exceeds ordinary year-to-year variation, by the project's
    exact conditional test (:func:`ivpanalysis.analysis.noise.verdicts`; ``crime_alpha`` its
    overdispersion, default the pooled α of ``data/codes/overdispersion.csv``). With rates only they
    stay empty. ``attrs['notes']`` are keyed records of what was assumed (worded by present.gap_text).
    """
    out, margin, grade, order = _check_over_time(df)
    both = np.isfinite(out["crime"]) & np.isfinite(out["pct_unsafe"])
    if not both.any():
        raise DataError.at(_where(df, "gap_over_time input"), "no year has both registered crime and % unsafe",
                           column="pct_unsafe", expected="at least one year with both, to index the series to")
    b = int(np.flatnonzero(both.to_numpy())[0])
    base_year = int(out["year"].iloc[b])
    measured = np.isfinite(out["pct_unsafe"].to_numpy())
    assumed = np.isnan(margin) & measured
    out["margin"] = np.where(assumed, _srs_margin(out["pct_unsafe"].to_numpy(), assumed_n), margin)
    out["margin_assumed"] = pd.array(np.where(measured, assumed, False), dtype="boolean")
    out.loc[~measured, "margin_assumed"] = pd.NA
    c0, p0 = out["crime"].iloc[b], out["pct_unsafe"].iloc[b]
    out["crime_index"] = out["crime"] / c0 * 100
    out["unsafe_index"] = out["pct_unsafe"] / p0 * 100
    if grade is not None:
        out["rapportcijfer"] = grade.to_numpy()[order]
        g0 = out["rapportcijfer"].iloc[b]
        out["rapportcijfer_index"] = out["rapportcijfer"] / g0 * 100 if np.isfinite(g0) else np.nan
    se = out["margin"] / Z95
    q = float(stats.norm.ppf(0.5 + level / 2))
    out["diff"] = out["pct_unsafe"] - p0
    sd = np.sqrt(se ** 2 + se.iloc[b] ** 2)
    out["diff_lower"] = out["diff"] - q * sd
    out["diff_upper"] = out["diff"] + q * sd
    out.loc[b, ["diff_lower", "diff_upper"]] = np.nan  # the reference year has no change to judge
    out["in_step"] = p0 * out["crime_index"] / 100  # % unsafe if the feeling had moved with the crime index
    out["verdict"] = _verdicts(out, b)
    if "crime_count" in df.columns:
        _add_crime_noise(out, df, order, b, crime_alpha)
    out.attrs.update({"crime_basis": "rate" if "crime_per_1000" in df.columns else "count", "base_year": base_year,
                      "level": level, "assumed_n": assumed_n,
                      "notes": _over_time_notes(out, "crime_per_1000" in df.columns, base_year, assumed_n),
                      **{k: v for k, v in df.attrs.items() if k in ("region_code", "region_name")}})
    return out


def _add_crime_noise(out: pd.DataFrame, df: pd.DataFrame, order: np.ndarray, b: int, crime_alpha: float | None) -> None:
    """``crime_p``/``crime_changed``: crime's change against the reference year by the noise test (in place).

    Each year is tested with the noise model of its crime measure for the number of years between it and
    the reference year (year-to-year variation grows with the gap; :func:`ivpanalysis.analysis.noise.model_for`),
    unless ``crime_alpha`` fixes one α for all.
    """
    k = _numeric(df, "crime_count", "gap_over_time input", "year").to_numpy()[order]
    years = out["year"].to_numpy()
    measure = df.attrs.get("crime_measure")
    p, verdict = np.full(len(k), np.nan), np.full(len(k), "", dtype=object)
    alphas = {}
    for i in (i for i in range(len(k)) if i != b):
        model = crime_alpha if crime_alpha is not None else noise.model_for(measure, gap=abs(int(years[i]) - int(years[b])))
        p[i] = float(noise.p_value([k[b]], [k[i]], model)[0])
        verdict[i] = noise.verdicts([k[b]], [k[i]], model, p=p[i:i + 1])[0]
        alphas[int(years[i])] = crime_alpha if crime_alpha is not None else model.alpha
    out["crime_p"] = p
    out["crime_changed"] = verdict
    # the α of the widest gap (the largest), or the fixed one: what the text may quote as "the" α
    out.attrs["crime_alpha"] = max(alphas.values(), default=noise.alpha_for(measure) if crime_alpha is None else crime_alpha)
    out.attrs["crime_alpha_by_year"] = alphas

# --- building the inputs from tidy frames ----------------------------------------------------

def _year(p) -> int:
    return int(p.year) if isinstance(p, pd.Period) else int(str(p)[:4])


def _choose(tidy: pd.DataFrame, measure: str | None, candidates: Iterable[str], role: str) -> str:
    present = set(tidy["measure"])
    if measure is not None:
        if measure not in present:
            raise DataError.at(_where(tidy, role), f"measure {measure!r} not in the {role} table", column="measure",
                               found=", ".join(sorted(present)[:20]), expected=f"one of the table's measures")
        return measure
    for c in candidates:
        if c in present:
            return c
    if len(present) == 1:
        return next(iter(present))
    raise DataError.at(_where(tidy, role), f"no known {role} measure in the table", column="measure",
                       found=", ".join(sorted(present)[:20]), expected="one of " + ", ".join(candidates) + " (or pass it)")


def _yearly(tidy: pd.DataFrame, measure: str, with_margin: bool = False, counts: bool = False) -> pd.DataFrame:
    """Yearly rows of one measure. ``counts``: also years built from complete months, quarters or
    half-years (registered crime fetched per month), as :func:`ivpanalysis.police.yearly_totals` does."""
    t = tidy[tidy["measure"] == measure]
    if counts:
        y = police.yearly_totals(t).droplevel("measure").rename("value").reset_index()
        names = t.drop_duplicates("region_code").set_index("region_code")["region_name"]
        return pd.DataFrame({"region_code": y["region_code"].to_numpy(),
                             "region_name": y["region_code"].map(names).to_numpy(),
                             "year": y["year"].astype(int).to_numpy(), "value": y["value"].to_numpy()})
    t = t[schema.map_unique(t["period"], schema.freq_of) == "Y"]
    cols = {"region_code": t["region_code"].to_numpy(), "region_name": t["region_name"].to_numpy(),
            "year": t["period"].map(_year).to_numpy(), "value": t["value"].to_numpy()}
    if with_margin:
        cols["margin"] = t["margin"].to_numpy() if "margin" in t.columns else np.nan
    return pd.DataFrame(cols)


def across_input(survey: pd.DataFrame, crime: pd.DataFrame, population: pd.DataFrame, year: int, *,
                 unsafe_measure: str | None = None, crime_measure: str | None = None,
                 population_measure: str | None = None, crime_year: int | None = None,
                 population_year: int | None = None, urbanity: Mapping[str, object] | None = None,
                 unit_kind: str | None = None) -> pd.DataFrame:
    """One row per unit for :func:`gap_across` from tidy survey, crime and population frames.

    Units are the regions present in all three for the given year(s) of one kind (per the CBS code
    list): ``unit_kind`` ("municipality", "province", "police_unit", …) or, by default, the most
    common of :data:`UNIT_KINDS` among them — a StatLine file holding Nederland, provinces and
    municipalities side by side thus gives one row per municipality, never a mix of levels;
    ``attrs['left_out']`` counts the regions of other kinds that were left out. Crime per
    1.000 = registered crime / population × 1.000, both of ``crime_year``/``population_year``
    (default: the survey year). ``margin`` comes along when the survey table carries one.
    """
    um = _choose(survey, unsafe_measure, UNSAFE_MEASURES, "survey")
    cm = _choose(crime, crime_measure, CRIME_MEASURES, "crime")
    pm = _choose(population, population_measure, POPULATION_MEASURES, "population")
    s = _yearly(survey, um, with_margin=True)
    c = _yearly(crime, cm, counts=True)
    p = _yearly(population, pm)
    cy, py = crime_year or year, population_year or crime_year or year
    s, c, p = s[s["year"] == year], c[c["year"] == cy], p[p["year"] == py]
    for frame, role, y in ((s, "survey", year), (c, "crime", cy), (p, "population", py)):
        if frame.empty:
            raise DataError.at(_where({"survey": survey, "crime": crime, "population": population}[role], role),
                               f"no {role} figures for {y}", column="period", expected=f"rows for {y}")
    m = (s.rename(columns={"value": "pct_unsafe"})
         .merge(c[["region_code", "value"]].rename(columns={"value": "crime_count"}), on="region_code")
         .merge(p[["region_code", "value"]].rename(columns={"value": "population"}), on="region_code"))
    kind = m["region_code"].map(schema.region_kind)
    if unit_kind is None:
        counts = kind[kind.isin(UNIT_KINDS)].value_counts()
        if counts.empty:
            raise DataError.at(_where(survey, "survey"), "no municipality, province or police unit is in the survey, "
                               "crime and population tables at once", column="region_code",
                               found=", ".join(sorted(set(m["region_code"]))[:20]) or "none",
                               expected="the same region codes in all three")
        unit_kind = str(counts.index[0])
    left_out = kind[kind != unit_kind].value_counts().to_dict()
    m = m[kind == unit_kind]
    if m.empty:
        raise DataError.at(_where(survey, "survey"), f"no region of kind {unit_kind!r} is in the survey, crime and "
                           "population tables at once", column="region_code", expected="the same region codes in all three")
    out = pd.DataFrame({"unit": m["region_code"].to_numpy(), "unit_name": m["region_name"].to_numpy(),
                        "crime_count": m["crime_count"].to_numpy(), "population": m["population"].to_numpy()})
    out["crime_per_1000"] = out["crime_count"] / out["population"] * 1000
    out["pct_unsafe"] = m["pct_unsafe"].to_numpy()
    if m["margin"].notna().any():
        out["margin"] = m["margin"].to_numpy()
    if urbanity is not None:
        out["urbanity"] = out["unit"].map(dict(urbanity))
    out.attrs.update({"year": year, "crime_year": cy, "population_year": py, "unsafe_measure": um,
                      "unit_kind": unit_kind, "left_out": {str(k): int(v) for k, v in left_out.items()},
                      "crime_measure": cm, "population_measure": pm,
                      "sources": {"survey": survey.attrs.get("source_file", ""), "crime": crime.attrs.get("source_file", ""),
                                  "population": population.attrs.get("source_file", "")}})
    return out.sort_values("unit").reset_index(drop=True)


def over_time_input(data, region_code: str = paths.DEFAULT_MUNICIPALITY, *, crime_measure: str = "criminaliteit_totaal",
                    unsafe_measure: str | None = None, grade_measure: str | None = None,
                    population_measure: str | None = None) -> pd.DataFrame:
    """Rows for :func:`gap_over_time` of one municipality from a :class:`~ivpanalysis.ingest.datafolder.Dataset`.

    Crime comes from ``data.police`` (``crime_measure``, default the total ``criminaliteit_totaal``),
    % unsafe and the rapportcijfer from ``data.survey``. When ``data.population`` holds the
    municipality for every crime year the rate per 1.000 is computed (``crime_per_1000``);
    otherwise only ``crime_count`` is returned and the count stands in for the rate. Every year in
    either source gets a row.
    """
    police = data.police[data.police["region_code"] == region_code]
    survey = data.survey[data.survey["region_code"] == region_code]
    if police.empty or not (police["measure"] == crime_measure).any():
        raise DataError.at(_where(data.police, "police figures"), f"no {crime_measure!r} rows for {region_code}",
                           column="measure", expected=f"registered crime for {region_code}")
    if survey.empty:
        raise DataError.at(_where(data.survey, "survey"), f"no survey rows for {region_code}", column="region_code",
                           expected=f"% feeling unsafe for {region_code}")
    um = _choose(survey, unsafe_measure, UNSAFE_MEASURES, "survey")
    c = _yearly(police, crime_measure, counts=True).set_index("year")["value"]
    s = _yearly(survey, um, with_margin=True).set_index("year")
    years = sorted(set(c.index) | set(s.index))
    out = pd.DataFrame({"year": years})
    crime = c.reindex(years).to_numpy()
    pop = data.population[data.population["region_code"] == region_code] if len(data.population) else data.population
    basis = "count"
    if len(pop):
        pmeas = _choose(pop, population_measure, POPULATION_MEASURES, "population")
        pv = _yearly(pop, pmeas).set_index("year")["value"].reindex(years).to_numpy()
        if np.all(np.isfinite(pv[np.isfinite(crime)])):
            out["crime_per_1000"] = crime / pv * 1000
            basis = "rate"
    out["crime_count"] = crime  # kept beside a rate: the noise check on crime needs the counts
    out["pct_unsafe"] = s["value"].reindex(years).to_numpy()
    if s["margin"].notna().any():
        out["margin"] = s["margin"].reindex(years).to_numpy()
    gm = grade_measure
    if gm is None:
        gm = next((g for g in GRADE_MEASURES if (survey["measure"] == g).any()), None)
    if gm is not None and (survey["measure"] == gm).any():
        out["rapportcijfer"] = _yearly(survey, gm).set_index("year")["value"].reindex(years).to_numpy()
    name = schema.municipality_name(region_code) or str(survey["region_name"].iloc[0])
    out.attrs.update({"region_code": region_code, "region_name": name, "crime_measure": crime_measure,
                      "unsafe_measure": um})
    return out


