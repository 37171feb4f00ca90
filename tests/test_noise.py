"""noise: the exact conditional change test, its overdispersion table, and its error rates on
simulated counts (labelled: simulated data, truth known)."""
import importlib.util
import math

import numpy as np
import pytest

from ivpanalysis.analysis import noise
from ivpanalysis import paths


def test_binomial_case_matches_the_textbook_sign_test():
    # k2 | n ~ Binomial(n, 1/2): 4 -> 14 has n = 18, two-sided p = 2 * P(X <= 4)
    from scipy import stats
    assert noise.p_value(4, 14, 0.0) == pytest.approx(2 * stats.binom(18, 0.5).cdf(4))
    assert noise.p_value(10, 10, 0.0) == 1.0


def test_overdispersion_widens_the_test():
    # the same change is less surprising when year-to-year variation exceeds Poisson
    p0 = noise.p_value(4041, 4240, 0.0)
    p1 = noise.p_value(4041, 4240, noise.model_for("0.0.0"))
    assert p0 < 0.05 < p1


def test_verdicts_too_small_and_missing():
    v = noise.verdicts([4, 300, 300, float("nan")], [14, 200, 305, 3], alpha=0.0)
    assert list(v) == ["too_small", "yes", "no", ""]
    assert math.isnan(noise.p_value(float("nan"), 3))


def test_change_test_record():
    t = noise.change_test(4041, 4240, noise.model_for("*"))
    assert t.verdict == "no" and 0.05 < t.p_value <= 1
    # the ratio's 95 % interval holds the observed ratio and, the change being "no", also 1
    assert t.ratio_lower < 4240 / 4041 < t.ratio_upper and t.ratio_lower < 1
    assert t.lower_pct == pytest.approx(100 * (t.ratio_lower - 1))


def test_interval_agrees_with_the_verdict_on_clear_cases():
    m = noise.model_for("*")
    big_fall = noise.change_test(1000, 500, m)
    assert big_fall.verdict == "yes" and big_fall.ratio_upper < 1
    assert math.isnan(noise.change_test(0, 30, m).ratio_lower)  # no ratio from 0


def test_alpha_table_has_each_real_code_and_a_pooled_fallback():
    assert noise.alpha_for("1.1.1") > 0
    assert noise.alpha_for("no-such-code") == noise.alpha_for("*") == noise.alpha_for(None)


def test_estimate_alpha_recovers_a_known_dispersion():
    # simulated: 4000 units, NB2 with alpha 0.02, common change 0.9
    rng = np.random.default_rng(1)
    mu = rng.uniform(50, 2000, 4000)
    lam = rng.gamma(1 / 0.02, 0.02, size=(4000, 2)) * np.c_[mu, 0.9 * mu]
    k = rng.poisson(lam)
    assert noise.estimate_alpha(k[:, 0], k[:, 1], ratio=0.9) == pytest.approx(0.02, rel=0.15)
    assert noise.estimate_alpha(rng.poisson(mu), rng.poisson(mu), ratio=1.0) < 0.002  # Poisson: ~0


@pytest.mark.parametrize("gap", [1, 3])
@pytest.mark.parametrize("mean", [15, 60, 150, 1000])
def test_type1_error_at_the_real_dispersion(mean, gap):
    # small version of benchmarks/calibrate_noise.py: counts simulated with the pooled real model
    m = noise.model_for("*", gap=gap)
    rate = noise.simulate_type1(mean, m, test_alpha=m, reps=1500, seed=11)
    assert 0.02 <= rate <= 0.075


def test_dispersion_falls_with_size_and_grows_with_the_gap():
    one, three = noise.model_for("*", 1), noise.model_for("*", 3)
    assert one.alphas[0] > one.alphas[2] > one.alphas[4] > 0  # as on the real pairs: ~0,04 … ~0,004
    assert all(a3 > a1 for a1, a3 in zip(one.alphas, three.alphas))
    assert noise.model_for("*", 40) == noise.model_for("*", noise.MAX_GAP)


def test_normal_approximation_joins_the_exact_test():
    a = noise.model_for("*").alpha_at(noise.EXACT_MAX / 2)
    n = noise.EXACT_MAX
    k = np.arange(n // 2, n // 2 + 1500, 100)
    exact = noise._exact_p(np.full(k.shape, float(n)), k.astype(float), np.full(k.shape, a))
    approx = noise._normal_p(np.full(k.shape, float(n)), k.astype(float), np.full(k.shape, a))
    assert np.max(np.abs(exact - approx)) < 0.01


def test_cost_does_not_grow_with_the_count():
    # a count of 3e8: the test must not build arrays as long as the count (that took 14 GB)
    import tracemalloc
    from scipy import stats
    m = noise.model_for("*")
    tracemalloc.start()
    p = noise.p_value(3e8, 3e8 + 2e6, m)
    t = noise.change_test(3e8, 3e8 + 2e6, m)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20e6
    n, a = 6e8 + 2e6, m.alpha
    sd = math.sqrt(n / 4 * (n + 2 / a) / (1 + 2 / a))
    assert p == pytest.approx(2 * stats.norm.sf((1e6 - 0.5) / sd))
    assert t.ratio_lower < (3e8 + 2e6) / 3e8 < t.ratio_upper


def test_a_poisson_test_on_overdispersed_counts_overrejects():
    # the reason for the beta-binomial: at 4000 a year and alpha 0.01, ignoring overdispersion
    # calls most chance changes "significant"
    assert noise.simulate_type1(4000, 0.01, test_alpha=0.0, reps=1000, seed=3) > 0.5


def test_power_against_a_real_halving():
    rng = np.random.default_rng(5)
    k1, k2 = rng.poisson(400, 500), rng.poisson(200, 500)
    assert (noise.verdicts(k1, k2, alpha=noise.model_for("*")) == "yes").mean() > 0.95


def test_overdispersion_table_is_a_byte_identical_rerun(realdata, tmp_path):
    spec = importlib.util.spec_from_file_location("estimate_overdispersion", paths.PROJECT_DIR / "scripts" / "estimate_overdispersion.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "overdispersion.csv"
    mod.build(realdata).to_csv(out, index=False, lineterminator="\n")
    assert out.read_bytes() == (paths.CODES_DIR / "overdispersion.csv").read_bytes(), \
        "data/codes/overdispersion.csv differs from a fresh run of scripts/estimate_overdispersion.py"


def test_model_for_a_category_key_is_that_of_its_code():
    assert noise.model_for("woninginbraak").alphas == noise.model_for("1.1.1").alphas != noise.model_for("*").alphas
    assert noise.model_for("geweld_totaal").alphas == noise.model_for("*").alphas  # a sum of codes: pooled
    assert noise.model_for("jongerenoverlast").series == "*"  # no code
    assert noise.alpha_for("1.1.1", mu=10) == pytest.approx(noise.model_for("1.1.1").alphas[0])


def _load_script(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_methods_doc_quotes_what_the_code_gives():
    # every figure docs/methods.md quotes for the noise check and the dashboard comes from
    # `python scripts/methods_figures.py`; a stale number (like the old 2.680–5.358) fails here
    doc = (paths.PROJECT_DIR / "docs" / "methods.md").read_text(encoding="utf-8")
    figures = _load_script(paths.PROJECT_DIR / "scripts" / "methods_figures.py").figures()
    missing = {k: v for k, v in figures.items() if v not in doc}
    assert not missing, f"docs/methods.md lacks these figures of scripts/methods_figures.py: {missing}"
    assert "ivpanalysis.dashboard.dashboard" not in doc


@pytest.mark.slow
def test_methods_doc_calibration_tables_are_a_rerun(realdata, capsys):
    # the calibration and hold-out tables in docs/methods.md are the output of the benchmark (same seed)
    bench = _load_script(paths.PROJECT_DIR / "benchmarks" / "calibrate_noise.py")
    assert bench.main([str(realdata)]) == 0
    out = capsys.readouterr().out
    doc = (paths.PROJECT_DIR / "docs" / "methods.md").read_text(encoding="utf-8")
    lines = [ln for ln in out.splitlines() if ln.strip() and not ln.endswith(":")]
    assert lines and all(ln in doc for ln in lines), [ln for ln in lines if ln not in doc]
