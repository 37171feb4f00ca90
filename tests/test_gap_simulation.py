"""Simulation check of the gap analysis (simulated data, labelled as such) and the figures docs/methods-gap.md quotes."""
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm

from ivpanalysis.analysis import gap
from ivpanalysis.analysis import gap_simulation as gsim


def _by(out, method="gap_across"):
    return out[out["method"] == method].set_index(["gap_sd", "what"])


def test_naive_wls_flags_match_statsmodels_prediction_intervals():
    sim = gsim.simulate_units(40, seed=13, tau=2.5)
    se = (sim["margin"] / gap.Z95).to_numpy()
    X = sm.add_constant(np.log(sim["crime_per_1000"].to_numpy()))
    fit = sm.WLS(sim["pct_unsafe"].to_numpy(), X, weights=1 / se ** 2).fit()
    pi = fit.get_prediction(X, weights=1 / se ** 2).summary_frame(alpha=0.05)
    y = sim["pct_unsafe"].to_numpy()
    expected = ((y < pi["obs_ci_lower"]) | (y > pi["obs_ci_upper"])).to_numpy()
    assert expected.any()
    np.testing.assert_array_equal(gsim.naive_wls_flags(sim), expected)


def test_simulation_small():
    out = gsim.simulation_check(reps=20, n_units=60, seed=3, gap_sds=(5.0,))
    s = _by(out)["share"]
    assert 0.02 < s[(0.0, "outside")] < 0.09
    assert s[(5.0, "recovered")] > 0.85
    assert out.attrs["simulated"]


@pytest.mark.slow
def test_simulation_calibration_many_units():
    out = gsim.simulation_check(reps=200, n_units=100, seed=20240601, compare_naive=True)
    s = _by(out)
    null = s.loc[(0.0, "outside")]
    assert abs(null["share"] - 0.05) < 3 * null["mcse"] + 0.005
    for what in ("outside_most_precise", "outside_least_precise"):
        assert 0.03 < s.loc[(0.0, what), "share"] < 0.08
    assert s.loc[(4.0, "recovered"), "share"] > 0.85
    assert s.loc[(5.0, "recovered"), "share"] > 0.95
    # plain 1/SE² weighting piles its flags on the most precise units
    naive = _by(out, "naive_wls")
    assert naive.loc[(0.0, "outside_most_precise"), "share"] > 0.09
    assert naive.loc[(0.0, "outside_least_precise"), "share"] < 0.02


@pytest.mark.slow
def test_simulation_calibration_twelve_units_without_margins():
    out = gsim.simulation_check(reps=1000, n_units=12, seed=7, tau=1.3, margin_range=(0.5, 2.5), n_gaps=1,
                               gap_sds=(5.0,), with_margin=False)
    s = _by(out)
    null = s.loc[(0.0, "outside")]
    assert abs(null["share"] - 0.05) < 3 * null["mcse"] + 0.005


def test_clopper_pearson_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint
    for hits, n in ((0, 50), (3, 120), (57, 1000), (50, 50)):
        np.testing.assert_allclose(gsim.clopper_pearson(hits, n), proportion_confint(hits, n, method="beta"), atol=1e-12)


def test_calibration_small():
    """Small version of benchmarks/calibrate_gap.py (simulated data): the 12-unit cells, 40 replicates."""
    out = gsim.calibration_table(gsim.CELLS[:2], reps=40)
    assert out.attrs["simulated"] and len(out) == 5
    judged = out[out["passes"].notna()]
    assert judged["passes"].all(), judged.to_string()
    beside = out[(out["outlier_sd"] > 0) & (out["measure"] == "false_flags")].iloc[0]
    assert beside["share"] >= 0.02 and beside["n"] == 40 * 11
    assert out[out["measure"] == "outlier_flagged"]["share"].iloc[0] > 0.8


def test_calibration_cell_moments_hides_the_others_beside_an_outlier():
    """Why the default is robust: with DerSimonian–Laird one 5-sd outlier among 12 units inflates τ² and
    the other units are hardly ever flagged (simulated data)."""
    cell = dict(gsim.CELLS[1])
    moments = gsim.calibration_cell(reps=40, tau_method="moments", **cell)
    huber = gsim.calibration_cell(reps=40, **cell)
    assert moments["false_flags"] / moments["units"] < 0.015 < huber["false_flags"] / huber["units"]


# --- docs/methods-gap.md quotes only figures that a named command prints (issue 16, item 6) ---------

ROOT = Path(__file__).resolve().parents[1]


def _calibrate_gap():
    spec = importlib.util.spec_from_file_location("calibrate_gap", ROOT / "benchmarks" / "calibrate_gap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _doc_blocks() -> dict[str, str]:
    text = (ROOT / "docs" / "methods-gap.md").read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- figures: (\w+) -->\n```text\n(.*?)\n```", text, flags=re.S))


def test_every_figure_block_has_its_command():
    blocks, cg = _doc_blocks(), _calibrate_gap()
    assert set(blocks) == set(cg.DOCS)
    text = (ROOT / "docs" / "methods-gap.md").read_text(encoding="utf-8")
    for name in blocks:
        assert f"benchmarks/calibrate_gap.py --docs {name}" in text


@pytest.mark.parametrize("name", ["chance", "outlier", "lelystad"])
def test_doc_figures_are_what_the_command_prints(name):
    assert _calibrate_gap().DOCS[name]().strip() == _doc_blocks()[name]


@pytest.mark.realdata
def test_doc_province_figures_are_what_the_command_prints(realdata):
    assert _calibrate_gap().DOCS["provinces"]().strip() == _doc_blocks()["provinces"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["naive", "calibration_12", "calibration_100"])
def test_doc_simulation_figures_are_what_the_command_prints(name):
    """The simulation blocks at their full size (minutes: 1 000 replicates per calibration cell)."""
    assert _calibrate_gap().DOCS[name]().strip() == _doc_blocks()[name]
