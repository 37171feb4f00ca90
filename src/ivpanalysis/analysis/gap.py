"""Objective versus subjective safety: does the feeling of unsafety follow registered crime?

Two views, both with their uncertainty (see docs/methods-gap.md):

* :func:`gap_across` — across units (municipalities, basisteams, provinces): % feeling unsafe
  regressed on log(registered crime per 1.000 inhabitants), with urbanity when given, weighted by
  survey precision. A unit's gap is its leave-one-out (externally studentized) residual with a 95 %
  prediction interval; it is flagged only when it falls outside that interval.
* :func:`gap_over_time` — one municipality over the years: both series indexed to the first year
  (=100), and per year a verdict whether the change in the feeling is distinguishable from
  "unchanged" and from "moved in step with crime", given the survey margins.

Builders turn tidy frames into these inputs (:func:`across_input`, :func:`over_time_input`), and
:func:`interpretation` writes the Dutch text with its caveats. :func:`simulate_units` and
:func:`simulation_check` check the interval's calibration on a known data-generating process.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ivpanalysis.present import fmt
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

#: quadrant keys (computed here, drawn by gap_plot) with their Dutch labels
QUADRANTS = {
    "hoog_hoog": "Veel criminaliteit, veel onveiligheidsgevoel",
    "hoog_laag": "Veel criminaliteit, weinig onveiligheidsgevoel",
    "laag_hoog": "Weinig criminaliteit, veel onveiligheidsgevoel",
    "laag_laag": "Weinig criminaliteit, weinig onveiligheidsgevoel",
}

#: verdict keys of gap_over_time with the Dutch wording used in texts and tables
VERDICTS = {
    "referentiejaar": "referentiejaar",
    "geen_meting": "geen meting in dit jaar",
    "onbeslist": "niet te onderscheiden: past zowel bij 'gelijk gebleven' als bij 'meebewegen met de criminaliteit'",
    "beweegt_mee": "beweegt mee met de criminaliteit",
    "beweegt_niet_mee": "beweegt niet mee: het gevoel bleef binnen de marge gelijk terwijl de criminaliteit veranderde",
    "beweegt_sterker_mee": "beweegt in dezelfde richting als de criminaliteit, maar sterker",
    "beweegt_zwakker_mee": "beweegt in dezelfde richting als de criminaliteit, maar zwakker",
    "beweegt_tegen": "beweegt tegen de criminaliteit in",
    "beweegt_los_van": "verandert terwijl de criminaliteit gelijk bleef",
    "methodebreuk": "niet te vergelijken: de Veiligheidsmonitor is in 2021 van methode veranderd",
}

#: first survey year after the Veiligheidsmonitor's method change (internet-only, new questionnaire)
SURVEY_BREAK_YEAR = 2021
#: first full year after the July 2018 registration change (related offences registered separately)
CRIME_BREAK_YEAR = 2019


# --- input checks ------------------------------------------------------------------------------

def _where(df: pd.DataFrame, default: str) -> str:
    return str(df.attrs.get("source_file") or default)


def _require(df: pd.DataFrame, cols: Iterable[str], what: str, explain: Mapping[str, str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError([Problem(_where(df, what), "required column is missing", column=c,
                                 found=", ".join(map(str, df.columns)), expected=explain.get(c, c)) for c in missing])


def _numeric(df: pd.DataFrame, col: str, what: str, label_col: str | None) -> pd.Series:
    """Column as float; text that is not a number is an error naming the row; empty stays NaN."""
    raw = df[col]
    num = pd.to_numeric(raw, errors="coerce")
    bad = num.isna() & raw.notna() & ~raw.astype(str).str.strip().isin(["", "nan", "NaN", "<NA>", "None"])
    if bad.any():
        raise DataError([Problem(_where(df, what), f"row {i + 1}{_label(df, label_col, i)}: not a number", column=col,
                                 found=str(raw.iloc[i]), expected="a number (or empty when not available)")
                         for i in np.flatnonzero(bad.to_numpy())])
    return num.astype(float)


def _label(df: pd.DataFrame, label_col: str | None, i: int) -> str:
    return f" ({label_col} {df[label_col].iloc[i]!r})" if label_col and label_col in df.columns else ""


def _check_range(df, values: pd.Series, col: str, what: str, label_col, ok, expected: str) -> None:
    v = values.to_numpy()
    bad = np.isfinite(v) & ~ok(v)
    if bad.any():
        raise DataError([Problem(_where(df, what), f"row {i + 1}{_label(df, label_col, i)}: value out of range",
                                 column=col, found=str(v[i]), expected=expected) for i in np.flatnonzero(bad)])


# --- the model across units ------------------------------------------------------------------

@dataclass
class _Fit:
    beta: np.ndarray
    cov: np.ndarray  # covariance of beta
    tau2: float      # between-unit variance beyond sampling error (points²)
    q_stat: float    # weighted residual sum of squares with sampling weights (NaN without margins)


def _fit(X: np.ndarray, y: np.ndarray, v: np.ndarray) -> _Fit:
    """Linear model y = Xβ + u + e, u ~ N(0, τ²) between units, e ~ N(0, v) sampling error.

    Without sampling variances (all v = 0) this is OLS and τ² is the residual mean square. With
    them, τ² is the method-of-moments (DerSimonian–Laird) estimate for meta-regression and β is
    estimated by weighted least squares with weights 1 / (v + τ²).
    """
    n, p = X.shape
    if not np.any(v > 0):
        xtx_inv = np.linalg.inv(X.T @ X)
        beta = xtx_inv @ X.T @ y
        r = y - X @ beta
        tau2 = float(r @ r / (n - p))
        return _Fit(beta, tau2 * xtx_inv, tau2, float("nan"))
    w = 1.0 / v
    xtwx_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    beta_fe = xtwx_inv @ X.T @ (w * y)
    r = y - X @ beta_fe
    q = float(w @ r ** 2)
    c = float(w.sum() - np.trace(xtwx_inv @ (X.T @ ((w ** 2)[:, None] * X))))
    tau2 = max(0.0, (q - (n - p)) / c) if c > 0 else 0.0
    w2 = 1.0 / (v + tau2)
    cov = np.linalg.inv(X.T @ (w2[:, None] * X))
    beta = cov @ X.T @ (w2 * y)
    return _Fit(beta, cov, tau2, q)


def _design(log_crime: np.ndarray, urbanity: pd.Series | None) -> tuple[np.ndarray, list[str]]:
    cols = [np.ones_like(log_crime), log_crime]
    names = ["intercept", "log_crime_per_1000"]
    if urbanity is not None:
        levels = sorted(pd.unique(urbanity.astype(str)))
        for lev in levels[1:]:
            cols.append((urbanity.astype(str).to_numpy() == lev).astype(float))
            names.append(f"urbanity[{lev}]")
    return np.column_stack(cols), names


def gap_across(df: pd.DataFrame, level: float = LEVEL) -> pd.DataFrame:
    """The objective-subjective gap of each unit, with a prediction interval.

    ``df`` has one row per unit with ``unit``, ``crime_per_1000`` (> 0), ``pct_unsafe`` (0–100)
    and optionally ``margin`` (the published 95 % margin of ``pct_unsafe``, in points) and
    ``urbanity`` (a class such as CBS stedelijkheid 1–5, used as categories).

    Model: pct_unsafe = a + b·ln(crime_per_1000) [+ urbanity class] + u + e, with e the sampling
    error (SE = margin / 1.96) and u ~ N(0, τ²) the ordinary differences between units; weights
    1 / (SE² + τ²). Without margins all units get equal weight and τ² absorbs the sampling error
    as well. Each unit is compared with the line fitted to the *other* units (leave one out), so a
    unit with a large gap cannot pull its own expectation towards itself:

    * ``expected`` – predicted % from the other units; ``residual`` = pct_unsafe − expected;
    * ``residual_z`` – residual / its standard deviation (τ² + SE² + parameter uncertainty): the
      externally studentized residual (exactly so in the OLS case);
    * ``lower``/``upper`` – the ``level`` prediction interval of pct_unsafe, expected ± t·sd with
      t from Student's t on n − p − 1 degrees of freedom;
    * ``flag`` – True when pct_unsafe is outside the interval (⇔ |residual_z| > t);
    * ``residual_lower``/``residual_upper`` – the interval of the gap itself (pct − upper,
      pct − lower): it excludes 0 exactly when the unit is flagged (the caterpillar's bars).

    Also ``se``, ``sd_pred``, ``crime_z``/``unsafe_z`` (z-scores of ln crime and of % unsafe across
    the fitted units) and ``quadrant`` (a key of :data:`QUADRANTS`) for the charts. Units with a
    missing value are kept with NaN results and a ``flag`` of <NA>. ``attrs`` carry the model
    statement, coefficients, τ and the assumptions made.
    """
    what = "gap_across input"
    explain = {"unit": "a column 'unit' naming each unit",
               "crime_per_1000": "a column 'crime_per_1000' (registered crime per 1.000 inhabitants)",
               "pct_unsafe": "a column 'pct_unsafe' (% feeling unsafe, 0–100)"}
    _require(df, ("unit", "crime_per_1000", "pct_unsafe"), what, explain)
    out = df.copy()
    out.attrs = dict(df.attrs)
    dup = out["unit"][out["unit"].duplicated()]
    if len(dup):
        raise DataError([Problem(_where(df, what), f"row {i + 1}: unit appears more than once", column="unit",
                                 found=str(out['unit'].iloc[i]), expected="one row per unit")
                         for i in np.flatnonzero(out["unit"].duplicated().to_numpy())])
    crime = _numeric(out, "crime_per_1000", what, "unit")
    pct = _numeric(out, "pct_unsafe", what, "unit")
    _check_range(out, crime, "crime_per_1000", what, "unit", lambda v: v > 0,
                 "a rate above 0 (the model uses its logarithm)")
    _check_range(out, pct, "pct_unsafe", what, "unit", lambda v: (v >= 0) & (v <= 100), "a percentage from 0 to 100")
    assumptions: list[str] = []
    has_margin = "margin" in out.columns and _numeric(out, "margin", what, "unit").notna().any()
    if has_margin:
        margin = _numeric(out, "margin", what, "unit")
        _check_range(out, margin, "margin", what, "unit", lambda v: v > 0, "a 95 % margin above 0 (points)")
        gaps = margin.isna() & crime.notna() & pct.notna()
        if gaps.any():
            fill = float(margin.median())
            margin = margin.fillna(fill)
            assumptions.append(f"Voor {', '.join(map(str, out.loc[gaps, 'unit']))} is geen marge gepubliceerd; "
                               f"aangenomen is de mediane marge van de andere eenheden ({fmt.number(fill, 1)} punt).")
        se = margin / Z95
    else:
        se = pd.Series(np.nan, index=out.index)
        assumptions.append("Geen marges gegeven: alle eenheden tellen even zwaar mee en de spreiding rond de lijn "
                           "(steekproefruis én echte verschillen tussen eenheden) wordt uit de gegevens zelf geschat.")
    urb = out["urbanity"] if "urbanity" in out.columns else None
    complete = crime.notna() & pct.notna()
    if urb is not None:
        no_urb = complete & urb.isna()
        if no_urb.any():
            assumptions.append(f"Zonder stedelijkheid, dus niet meegenomen: {', '.join(map(str, out.loc[no_urb, 'unit']))}.")
        complete &= urb.notna()
    idx = np.flatnonzero(complete.to_numpy())
    X, names = _design(np.log(crime.to_numpy()[idx]), urb.iloc[idx] if urb is not None else None)
    y = pct.to_numpy()[idx]
    v = (se.to_numpy()[idx] ** 2) if has_margin else np.zeros(len(idx))
    n, p = X.shape
    if n < p + 3:
        raise DataError(Problem(_where(df, what), f"only {n} unit(s) with both crime and % unsafe", column="pct_unsafe",
                                expected=f"at least {p + 3} complete units for {p} model terms"))
    full = _fit(X, y, v)
    dof = n - p - 1
    tq = float(stats.t.ppf(0.5 + level / 2, dof))
    expected = np.full(len(out), np.nan)
    sd_pred = np.full(len(out), np.nan)
    not_comparable: list[str] = []
    for k, i in enumerate(idx):
        keep = np.arange(n) != k
        Xo = X[keep]
        used = np.abs(Xo).sum(axis=0) > 0
        if np.any(X[k, ~used] != 0):  # the only unit of its urbanity class: nothing to compare with
            not_comparable.append(str(out["unit"].iloc[i]))
            continue
        f = _fit(Xo[:, used], y[keep], v[keep])
        x = X[k, used]
        expected[i] = float(x @ f.beta)
        sd_pred[i] = float(np.sqrt(f.tau2 + v[k] + x @ f.cov @ x))
    if not_comparable:
        assumptions.append(f"Enige eenheid in haar stedelijkheidsklasse, dus geen vergelijking mogelijk: "
                           f"{', '.join(not_comparable)}.")
    out["se"] = se.to_numpy()
    out["expected"] = expected
    out["residual"] = pct.to_numpy() - expected
    out["sd_pred"] = sd_pred
    out["residual_z"] = out["residual"] / sd_pred
    out["lower"] = expected - tq * sd_pred
    out["upper"] = expected + tq * sd_pred
    # the same interval seen from the gap: it excludes 0 exactly when the unit is flagged
    out["residual_lower"] = pct.to_numpy() - out["upper"]
    out["residual_upper"] = pct.to_numpy() - out["lower"]
    fitted = np.isfinite(expected)
    flag = pd.array([pd.NA] * len(out), dtype="boolean")
    flag[fitted] = (pct.to_numpy()[fitted] < out["lower"].to_numpy()[fitted]) | \
                   (pct.to_numpy()[fitted] > out["upper"].to_numpy()[fitted])
    out["flag"] = flag
    lc = np.log(crime.to_numpy())
    cz = (lc - lc[idx].mean()) / lc[idx].std(ddof=1)
    uz = (pct.to_numpy() - y.mean()) / y.std(ddof=1)
    out["crime_z"] = np.where(complete, cz, np.nan)
    out["unsafe_z"] = np.where(complete, uz, np.nan)
    quad = np.where(cz >= 0, "hoog_", "laag_").astype(object) + np.where(uz >= 0, "hoog", "laag").astype(object)
    out["quadrant"] = pd.Series(np.where(complete, quad, None), index=out.index, dtype=object)
    terms = "ln(criminaliteit per 1.000)" + (" + stedelijkheidsklasse" if urb is not None else "")
    weights = ("1 / (SE² + τ²), SE = margin / 1.96 (survey precision plus between-unit variance, DerSimonian–Laird τ²)"
               if has_margin else "equal weights (no margins): ordinary least squares")
    out.attrs.update({
        "model": f"pct_unsafe ~ log(crime_per_1000){' + C(urbanity)' if urb is not None else ''}",
        "model_nl": f"% wel eens onveilig = a + b × {terms} + afwijking van de eenheid",
        "weights": weights,
        "coefficients": dict(zip(names, map(float, full.beta))),
        "std_errors": dict(zip(names, map(float, np.sqrt(np.diag(full.cov))))),
        "tau": float(np.sqrt(full.tau2)),
        "n_units": int(n),
        "df": int(dof),
        "t_quantile": tq,
        "level": level,
        "has_margin": bool(has_margin),
        "assumptions": assumptions,
        "interval": "leave-one-out prediction interval (externally studentized residuals)",
    })
    return out


def slope_per_10pct(res: pd.DataFrame) -> float:
    """Points % unsafe associated with 10 % more registered crime per 1.000, from ``gap_across`` attrs."""
    return res.attrs["coefficients"]["log_crime_per_1000"] * float(np.log(1.1))


# --- one municipality over time --------------------------------------------------------------

def _srs_margin(pct: np.ndarray, n: int) -> np.ndarray:
    p = pct / 100.0
    return Z95 * np.sqrt(p * (1 - p) / n) * 100.0


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
    crime" (the % unsafe the crime index would give: ref × crime index / 100); see :data:`VERDICTS`.

    When counts are given (``crime_count``), ``crime_p``/``crime_changed`` say whether crime's own
    change against the reference year exceeds ordinary year-to-year variation, by the project's
    exact conditional test (:func:`ivpanalysis.noise.verdicts`; ``crime_alpha`` its overdispersion,
    default the pooled α of ``data/codes/overdispersion.csv``). With rates only they stay empty.
    """
    what = "gap_over_time input"
    has_rate = "crime_per_1000" in df.columns
    crime_col = "crime_per_1000" if has_rate else "crime_count"
    _require(df, ("year", crime_col, "pct_unsafe"), what,
             {"year": "a column 'year'", "crime_count": "a column 'crime_per_1000' or 'crime_count'",
              "pct_unsafe": "a column 'pct_unsafe' (% feeling unsafe, 0–100)"})
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
    _check_range(d, crime, crime_col, what, "year", lambda v: v > 0, "registered crime above 0")
    _check_range(d, pct, "pct_unsafe", what, "year", lambda v: (v >= 0) & (v <= 100), "a percentage from 0 to 100")
    margin = _numeric(d, "margin", what, "year") if "margin" in d.columns else pd.Series(np.nan, index=d.index)
    _check_range(d, margin, "margin", what, "year", lambda v: v > 0, "a 95 % margin above 0 (points)")
    grade = _numeric(d, "rapportcijfer", what, "year") if "rapportcijfer" in d.columns else None
    order = np.argsort(year.to_numpy(), kind="stable")
    out = pd.DataFrame({"year": year.to_numpy()[order].astype(int), "crime": crime.to_numpy()[order],
                        "pct_unsafe": pct.to_numpy()[order]})
    margin = margin.to_numpy()[order]
    both = np.isfinite(out["crime"]) & np.isfinite(out["pct_unsafe"])
    if not both.any():
        raise DataError.at(_where(df, what), "no year has both registered crime and % unsafe", column="pct_unsafe",
                           expected="at least one year with both, to index the series to")
    b = int(np.flatnonzero(both.to_numpy())[0])
    base_year = int(out["year"].iloc[b])
    assumed = np.isnan(margin) & np.isfinite(out["pct_unsafe"].to_numpy())
    margin = np.where(assumed, _srs_margin(out["pct_unsafe"].to_numpy(), assumed_n), margin)
    out["margin"] = margin
    out["margin_assumed"] = pd.array(np.where(np.isfinite(out["pct_unsafe"]), assumed, False), dtype="boolean")
    out.loc[~np.isfinite(out["pct_unsafe"]), "margin_assumed"] = pd.NA
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
    verdicts = []
    for i in range(len(out)):
        if i == b:
            verdicts.append("referentiejaar")
            continue
        if not (np.isfinite(out["diff"].iloc[i]) and np.isfinite(out["crime"].iloc[i])):
            verdicts.append("geen_meting")
            continue
        if (base_year < SURVEY_BREAK_YEAR) != (int(out["year"].iloc[i]) < SURVEY_BREAK_YEAR):
            verdicts.append("methodebreuk")
            continue
        lo, hi = float(out["diff_lower"].iloc[i]), float(out["diff_upper"].iloc[i])
        h_step = out["in_step"].iloc[i] - p0
        still_ok, step_ok = lo <= 0 <= hi, lo <= h_step <= hi
        dc = float(np.sign(out["crime_index"].iloc[i] - 100))
        df_ = float(np.sign(out["diff"].iloc[i]))
        if dc == 0:
            verdicts.append("beweegt_mee" if still_ok else "beweegt_los_van")
        elif still_ok and step_ok:
            verdicts.append("onbeslist")
        elif step_ok:
            verdicts.append("beweegt_mee")
        elif still_ok:
            verdicts.append("beweegt_niet_mee")
        elif df_ == dc:
            verdicts.append("beweegt_sterker_mee" if abs(out["diff"].iloc[i]) > abs(h_step) else "beweegt_zwakker_mee")
        else:
            verdicts.append("beweegt_tegen")
    out["verdict"] = verdicts
    if "crime_count" in d.columns:
        k = _numeric(d, "crime_count", what, "year").to_numpy()[order]
        a = noise.alpha_for(None) if crime_alpha is None else crime_alpha
        k0 = np.full(len(k), k[b])
        out["crime_p"] = noise.p_value(k0, k, a)
        out["crime_changed"] = noise.verdicts(k0, k, a, p=out["crime_p"].to_numpy())
        out.loc[b, ["crime_p", "crime_changed"]] = [np.nan, ""]
        out.attrs["crime_alpha"] = a
    out["verdict_nl"] = out["verdict"].map(VERDICTS)
    assumptions = []
    if not has_rate:
        assumptions.append("Er is geen bevolkingsaantal bekend: het aantal geregistreerde misdrijven staat in voor "
                           "het aantal per 1.000 inwoners (bij een veranderende bevolking wijkt de index daarvan af).")
    if out["margin_assumed"].fillna(False).any():
        yrs = ", ".join(str(y) for y in out.loc[out["margin_assumed"].fillna(False), "year"])
        assumptions.append(f"Geen marge gepubliceerd voor {yrs}: aangenomen is een enkelvoudige steekproef van "
                           f"{assumed_n} respondenten (het ontwerpminimum van de Veiligheidsmonitor per gemeente "
                           f"van 70.000+ inwoners); een grotere steekproef geeft een smallere marge.")
    years = out["year"].to_numpy()
    if base_year < CRIME_BREAK_YEAR and (years >= CRIME_BREAK_YEAR).any():
        assumptions.append("Sinds juli 2018 registreert de politie samenhangende misdrijven in één incident apart; "
                           "daarvoor telde alleen het zwaarste. Vanaf 2019 ligt de geregistreerde criminaliteit daardoor "
                           "hoger dan bij de oude telling: een daling is eerder onderschat dan overschat.")
    if (out["verdict"] == "methodebreuk").any():
        assumptions.append("De Veiligheidsmonitor is in 2021 van methode veranderd (alleen internet, herziene "
                           "vragenlijst); cijfers van vóór en na die breuk worden hier niet met elkaar vergeleken.")
    out.attrs.update({"crime_basis": "rate" if has_rate else "count", "base_year": base_year, "level": level,
                      "assumed_n": assumed_n, "assumptions": assumptions, **{k: v for k, v in df.attrs.items()
                                                                             if k in ("region_code", "region_name")}})
    return out


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


# --- simulation check (known data-generating process) ----------------------------------------

def simulate_units(n_units: int = 100, *, seed: int = 0, tau: float = 2.0, slope: float = 8.0,
                   margin_range: tuple[float, float] = (1.0, 6.0), n_gaps: int = 0, gap_sd: float = 4.0,
                   with_margin: bool = True) -> pd.DataFrame:
    """Simulated units (labelled: simulated data) from the model :func:`gap_across` assumes.

    ln(crime per 1.000) ~ N(ln 50, 0.3²); % unsafe = 20 + ``slope``·(ln crime − ln 50) + u + e with
    u ~ N(0, ``tau``²) the ordinary differences between units and e ~ N(0, SE²) sampling error,
    SE = margin / 1.96, margins uniform on ``margin_range``. ``n_gaps`` units get a planted gap of
    ``gap_sd`` times their own sd √(τ² + SE²), sign at random; ``planted`` holds it (0 elsewhere).
    ``with_margin=False`` leaves the margins out of the frame (the analysis then does not know them).
    """
    rng = np.random.default_rng(seed)
    log_c = rng.normal(np.log(50.0), 0.3, n_units)
    margin = rng.uniform(*margin_range, n_units)
    se = margin / Z95
    y = 20.0 + slope * (log_c - np.log(50.0)) + rng.normal(0.0, tau, n_units) + rng.normal(0.0, 1.0, n_units) * se
    planted = np.zeros(n_units)
    if n_gaps:
        who = rng.choice(n_units, size=n_gaps, replace=False)
        planted[who] = rng.choice([-1.0, 1.0], size=n_gaps) * gap_sd * np.sqrt(tau ** 2 + se[who] ** 2)
    df = pd.DataFrame({"unit": [f"E{i:03d}" for i in range(n_units)], "crime_per_1000": np.exp(log_c),
                       "pct_unsafe": np.clip(y + planted, 0.0, 100.0), "planted": planted})
    if with_margin:
        df["margin"] = margin
    df.attrs["simulated"] = True
    return df


def simulation_check(reps: int = 200, n_units: int = 100, *, seed: int = 20240601, tau: float = 2.0,
                     n_gaps: int = 5, gap_sds: tuple[float, ...] = (3.0, 4.0, 5.0), with_margin: bool = True,
                     margin_range: tuple[float, float] = (1.0, 6.0), compare_naive: bool = False,
                     level: float = LEVEL) -> pd.DataFrame:
    """Calibration and power of :func:`gap_across` on :func:`simulate_units` data (simulated).

    Rows: ``scenario`` ("geen kloof" = no planted gap, or "kloof <k> sd"), ``what`` (``outside``:
    share of units without a planted gap outside the interval; ``outside_most_precise`` /
    ``outside_least_precise``: the same within the third of units with the smallest / largest
    margins; ``recovered``: share of planted gaps flagged with the right sign), ``share``, ``mcse``
    (Monte Carlo standard error) and ``units`` (how many unit-runs the share is over), per
    ``method``: ``gap_across``, and with ``compare_naive`` (margins needed) also ``naive_wls``
    (:func:`naive_wls_flags` on the same simulated data).
    """
    rng = np.random.default_rng(seed)
    rows = []

    def add(method, scenario, what, hits: np.ndarray):
        hits = np.asarray(hits, dtype=float)
        share = float(hits.mean()) if len(hits) else float("nan")
        rows.append({"method": method, "scenario": scenario, "what": what, "share": share,
                     "mcse": float(np.sqrt(share * (1 - share) / len(hits))) if len(hits) else float("nan"),
                     "units": int(len(hits))})

    methods = ["gap_across"] + (["naive_wls"] if compare_naive and with_margin else [])
    for gsd in (0.0, *gap_sds):
        acc = {m: {"outside": [], "outside_most_precise": [], "outside_least_precise": [], "recovered": []}
               for m in methods}
        for _ in range(reps):
            sim = simulate_units(n_units, seed=int(rng.integers(2 ** 31)), tau=tau, n_gaps=n_gaps if gsd else 0,
                                 gap_sd=gsd, with_margin=with_margin, margin_range=margin_range)
            planted = sim.pop("planted").to_numpy()
            res = gap_across(sim, level=level)
            flags = {"gap_across": res["flag"].to_numpy(dtype=bool)}
            if "naive_wls" in methods:
                flags["naive_wls"] = naive_wls_flags(sim, level)
            sign = np.sign(sim["pct_unsafe"].to_numpy() - res["expected"].to_numpy())
            none = planted == 0
            for m, flag in flags.items():
                acc[m]["outside"].append(flag[none])
                if with_margin:
                    mg = sim["margin"].to_numpy()
                    lo, hi = np.quantile(mg, [1 / 3, 2 / 3])
                    acc[m]["outside_most_precise"].append(flag[none & (mg <= lo)])
                    acc[m]["outside_least_precise"].append(flag[none & (mg >= hi)])
                if gsd:
                    acc[m]["recovered"].append(flag[~none] & (sign[~none] == np.sign(planted[~none])))
        scenario = "geen kloof" if gsd == 0 else f"kloof {fmt.number(gsd, 0)} sd"
        for m in methods:
            for what, parts in acc[m].items():
                if parts:
                    add(m, scenario, what, np.concatenate(parts))
    out = pd.DataFrame(rows)
    out.attrs.update({"reps": reps, "n_units": n_units, "seed": seed, "tau": tau, "n_gaps": n_gaps,
                      "with_margin": with_margin, "margin_range": margin_range, "level": level,
                      "simulated": True})
    return out


# --- Dutch text ------------------------------------------------------------------------------

CAVEATS = (
    "**Geregistreerde criminaliteit is niet alle criminaliteit.** Niet elk delict wordt aangegeven en de "
    "aangiftebereidheid verschilt per soort delict: van geweld wordt maar ongeveer één op de vijf gevallen "
    "aangegeven, terwijl juist slachtoffers van geweld zich het onveiligst voelen. De politiecijfers tellen dus "
    "het minst van wat mensen het meest vrezen.",
    "**Criminaliteit telt waar het gebeurt, het gevoel waar mensen wonen.** Een misdrijf wordt geteld in het gebied "
    "waar het is gepleegd; de Veiligheidsmonitor vraagt inwoners naar hun eigen buurt. Binnensteden, stations en "
    "uitgaansgebieden trekken bezoekers en verhogen daardoor de criminaliteit per inwoner, zonder dat de inwoners "
    "zelf onveiliger zijn.",
    "**Een verband tussen gebieden zegt niets over personen.** Dat gebieden met meer criminaliteit gemiddeld meer "
    "onveiligheidsgevoel hebben, betekent niet dat de inwoners die zich onveilig voelen ook degenen zijn die met "
    "criminaliteit te maken krijgen (ecologische drogreden). Persoonlijke kenmerken verklaren het grootste deel van "
    "het onveiligheidsgevoel.",
    "**De Veiligheidsmonitor is in 2021 van methode veranderd** (alleen nog via internet, herziene vragenlijst). "
    "Cijfers vanaf 2021 zijn niet zonder omrekening te vergelijken met die tot en met 2019; na 2017 verschijnt "
    "de monitor bovendien eens per twee jaar.",
)


def caveats_text() -> str:
    """The caveats that belong to every reading of the gap, as a Dutch markdown list."""
    return "\n".join(f"- {c}" for c in CAVEATS)


def unit_label(res: pd.DataFrame, unit) -> str:
    """Reader-facing name of a unit: ``unit_name`` without the "(PV)" suffix, else the unit key."""
    if "unit_name" in res.columns:
        hit = res.loc[res["unit"] == unit, "unit_name"]
        if len(hit) and isinstance(hit.iloc[0], str) and hit.iloc[0]:
            return hit.iloc[0].replace(" (PV)", "")
    return str(unit)


def _pct_level(x) -> str:
    return fmt.share(x, 1)


def text_over_time(res: pd.DataFrame, name: str | None = None) -> str:
    """Dutch paragraph(s) on one municipality's crime and feeling of unsafety, from :func:`gap_over_time`."""
    name = name or res.attrs.get("region_name") or "de gemeente"
    b = res.attrs["base_year"]
    base = res[res["year"] == b].iloc[0]
    basis = "het aantal geregistreerde misdrijven" if res.attrs["crime_basis"] == "count" else \
        "het aantal geregistreerde misdrijven per 1.000 inwoners"
    parts = []
    later = res[(res["year"] > b) & res["verdict"].ne("geen_meting")]
    if later.empty:
        parts.append(f"Voor {name} is na {b} geen nieuwe meting van het onveiligheidsgevoel beschikbaar; "
                     "een vergelijking door de tijd is nog niet mogelijk.")
    for _, r in later.iterrows():
        if r["verdict"] == "methodebreuk":
            parts.append(f"De meting van {r['year']} ({fmt.share(r['pct_unsafe'], 0)} voelt zich wel eens onveilig) "
                         f"is niet te vergelijken met die van {b}: {VERDICTS['methodebreuk']}.")
            continue
        dc = r["crime_index"] - 100
        verb = "daalde" if dc < 0 else ("steeg" if dc > 0 else "bleef gelijk")
        crime_txt = f"{verb} {basis}" + (f" met {fmt.pct(abs(dc), 0, sign=False)}" if dc else "")
        noise_txt = {"yes": " Dat is meer dan de gewone schommeling van jaar tot jaar.",
                     "no": " Dat valt binnen de gewone schommeling van jaar tot jaar.",
                     "too_small": " De aantallen zijn te klein om dat van toeval te onderscheiden."}.get(
            r.get("crime_changed", ""), "")
        sentence = (f"In {name} {crime_txt} van {b} tot {r['year']} (index {fmt.number(r['crime_index'], 0)})."
                    f"{noise_txt} "
                    f"Het aandeel inwoners dat zich wel eens onveilig voelt in de eigen buurt ging van "
                    f"{fmt.share(base['pct_unsafe'], 0)} naar {fmt.share(r['pct_unsafe'], 0)} "
                    f"(index {fmt.number(r['unsafe_index'], 0)}): een verschil van {fmt.signed(r['diff'], 1)} "
                    f"procentpunt, met een {fmt.number(res.attrs['level'] * 100, 0)}%-onzekerheidsmarge van "
                    f"{fmt.signed(r['diff_lower'], 1)} tot {fmt.signed(r['diff_upper'], 1)} procentpunt. "
                    f"Was het gevoel gelijk opgegaan met de criminaliteit, dan was het {fmt.share(r['in_step'], 1)} "
                    f"geweest. Oordeel: {r['verdict_nl']}.")
        if r["verdict"] == "onbeslist":
            sentence += (" Met deze metingen is dus niet te zeggen dat het onveiligheidsgevoel achterblijft bij de "
                         "criminaliteit, maar ook niet dat het meebeweegt; alleen verschillen groter dan ongeveer "
                         f"{fmt.number((r['diff_upper'] - r['diff_lower']) / 2, 1)} procentpunt zijn te onderscheiden.")
        if "rapportcijfer" in res.columns and np.isfinite(r.get("rapportcijfer", np.nan)) \
                and np.isfinite(base.get("rapportcijfer", np.nan)):
            g0, g1 = fmt.number(base["rapportcijfer"], 1), fmt.number(r["rapportcijfer"], 1)
            sentence += (f" Het rapportcijfer voor de veiligheid in de buurt bleef {g0}." if g0 == g1 else
                         f" Het rapportcijfer voor de veiligheid in de buurt ging van {g0} naar {g1}.")
        parts.append(sentence)
    parts.extend(res.attrs.get("assumptions", []))
    return "\n\n".join(parts)


def text_across(res: pd.DataFrame, focal=None) -> str:
    """Dutch paragraph(s) on the gap across units, from :func:`gap_across`; ``focal`` a unit to discuss."""
    a = res.attrs
    lvl = fmt.number(a["level"] * 100, 0)
    slope = slope_per_10pct(res)
    half = float(stats.t.ppf(0.5 + a["level"] / 2, a["n_units"] - len(a["coefficients"]))) \
        * a["std_errors"]["log_crime_per_1000"] * float(np.log(1.1))
    outside = round(100 * (1 - a["level"]), 6)  # 5 for 95 %, 20 for 80 % (not 19,999…)
    chance = fmt.share(outside, 0 if outside.is_integer() else 1)
    parts = [
        f"Over {a['n_units']} eenheden hangt het aandeel inwoners dat zich wel eens onveilig voelt samen met de "
        f"geregistreerde criminaliteit: waar per 1.000 inwoners 10% meer misdrijven worden geregistreerd, ligt het "
        f"onveiligheidsgevoel gemiddeld {fmt.signed(slope, 1)} procentpunt hoger ({lvl}%-betrouwbaarheidsinterval "
        f"{fmt.signed(slope - half, 1)} tot {fmt.signed(slope + half, 1)})."
        + (" Daarbij is rekening gehouden met de stedelijkheid." if "urbanity" in a["model"] else ""),
        f"De kloof van een eenheid is het verschil tussen het gemeten onveiligheidsgevoel en wat op grond van de "
        f"criminaliteit te verwachten is, vergeleken met de lijn door de andere eenheden. Een eenheid wordt alleen "
        f"gemarkeerd als zij buiten het {lvl}%-voorspellingsinterval valt; ook zonder echte kloof valt ongeveer "
        f"{chance} van de eenheden daar bij toeval buiten.",
    ]
    fitted = res[res["flag"].notna()]
    flagged = fitted[fitted["flag"].astype(bool)]
    if flagged.empty:
        parts.append("Geen enkele eenheid valt buiten het interval: de verschillen passen bij de samenhang met de "
                     "criminaliteit en de meetonzekerheid.")
    else:
        items = [f"{unit_label(res, r['unit'])} ({_pct_level(r['pct_unsafe'])} gemeten, {_pct_level(r['expected'])} "
                 f"verwacht, interval {_pct_level(r['lower'])}–{_pct_level(r['upper'])}; "
                 f"{'meer' if r['residual'] > 0 else 'minder'} onveiligheidsgevoel dan verwacht)"
                 for _, r in flagged.sort_values("residual_z").iterrows()]
        exp_n = fmt.number(len(fitted) * (1 - a["level"]), 1)
        verb = "valt" if len(flagged) == 1 else "vallen"
        parts.append(f"Buiten het interval {verb} {len(flagged)} van de {len(fitted)} eenheden (bij toeval verwacht: "
                     f"ongeveer {exp_n}): " + "; ".join(items) + ".")
    if focal is not None:
        hit = res[res["unit"] == focal]
        if hit.empty:
            raise DataError.at("gap_across result", f"focal unit {focal!r} is not among the units", column="unit",
                               expected="one of " + ", ".join(map(str, res["unit"])))
        r = hit.iloc[0]
        nm = unit_label(res, focal)
        if pd.isna(r["flag"]):
            parts.append(f"Voor {nm} ontbreekt een gegeven; er is geen kloof te berekenen.")
        else:
            where = "buiten" if bool(r["flag"]) else "binnen"
            parts.append(f"{nm}: gemeten {_pct_level(r['pct_unsafe'])}, verwacht {_pct_level(r['expected'])} "
                         f"(interval {_pct_level(r['lower'])}–{_pct_level(r['upper'])}); de kloof van "
                         f"{fmt.signed(r['residual'], 1)} procentpunt valt {where} het interval.")
    parts.extend(a.get("assumptions", []))
    return "\n\n".join(parts)


def interpretation(over_time: pd.DataFrame | None = None, across: pd.DataFrame | None = None, focal=None,
                   name: str | None = None) -> str:
    """The report's Dutch interpretation of the gap: the views given, then the caveats."""
    if over_time is None and across is None:
        raise ValueError("interpretation() needs a gap_over_time or a gap_across result (or both)")
    parts = []
    if over_time is not None:
        parts += ["### Door de tijd", text_over_time(over_time, name)]
    if across is not None:
        parts += ["### Vergeleken met andere gebieden", text_across(across, focal)]
    parts += ["### Kanttekeningen",
              "Een kloof tussen criminaliteit en gevoel is normaal en geen teken van falend beleid: ook landelijk "
              "daalde de geregistreerde criminaliteit sterker dan het onveiligheidsgevoel. Lees de cijfers met deze "
              "kanttekeningen:", caveats_text()]
    return "\n\n".join(parts)


def naive_wls_flags(df: pd.DataFrame, level: float = LEVEL) -> np.ndarray:
    """Flags from plain WLS with weights 1/SE² and statsmodels-style prediction intervals (for comparison).

    Variance of unit i taken as s²·SE²ᵢ (a common multiplicative scale s², no between-unit term),
    interval fitted on all units. :func:`simulation_check` uses it to show why :func:`gap_across`
    adds τ²: with real between-unit differences this flags precise (large) units far too often and
    imprecise ones almost never. Expects complete rows with ``margin``.
    """
    X = np.column_stack([np.ones(len(df)), np.log(df["crime_per_1000"].to_numpy(float))])
    y = df["pct_unsafe"].to_numpy(float)
    w = 1.0 / (df["margin"].to_numpy(float) / Z95) ** 2
    n, p = X.shape
    xtwx_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    beta = xtwx_inv @ X.T @ (w * y)
    r = y - X @ beta
    s2 = float(w @ r ** 2 / (n - p))
    var = s2 / w + s2 * np.einsum("ij,jk,ik->i", X, xtwx_inv, X)
    tq = float(stats.t.ppf(0.5 + level / 2, n - p))
    return np.abs(r) > tq * np.sqrt(var)
