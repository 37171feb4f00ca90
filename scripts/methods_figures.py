"""Every figure that docs/methods.md quotes for the noise check and the dashboard, as the doc prints it.

    python scripts/methods_figures.py        # name: value, one per line

``tests/test_noise.py`` checks that each value appears in docs/methods.md, so the page cannot drift
from the code. The calibration tables come from ``benchmarks/calibrate_noise.py`` (slow test).
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from ivpanalysis.analysis import noise  # noqa: E402
from ivpanalysis.ingest import datafolder  # noqa: E402
from ivpanalysis.present import fmt  # noqa: E402
from ivpanalysis.present import dashboard_text  # noqa: E402


def _alpha(x: float) -> str:
    return fmt.number(x, 4)


def noise_figures() -> dict[str, str]:
    """α examples and the Lelystad example of the change test."""
    out = {}
    for gap in (1, 3):
        for band, a in zip(("20-50", "50-200", "200-500", "500-5000", ">5000"), noise.model_for("*", gap).alphas):
            out[f"pooled alpha gap {gap} band {band}"] = _alpha(a)
    for code in ("1.1.1", "1.4.5", "3.1.1"):
        m = noise.model_for(code, 1)
        out[f"alpha {code} band 20-50"] = _alpha(m.alphas[0])
        out[f"alpha {code} band 500-5000"] = _alpha(m.alphas[3])
    m = noise.model_for("criminaliteit_totaal", 1)
    t = noise.change_test(4041, 4240, m)
    out["Lelystad Poisson p"] = fmt.number(noise.p_value(4041, 4240, 0.0), 3)
    out["Lelystad model p"] = fmt.number(t.p_value, 2)
    out["Lelystad alpha at n"] = _alpha(float(m.alpha_at((4041 + 4240) / 2)))
    out["Lelystad interval"] = f"{fmt.pct(t.lower_pct)} tot {fmt.pct(t.upper_pct)}"
    return out


def dashboard_figures() -> dict[str, str]:
    """Lelystad's total (indicator GM0995_I07): p, spread and the carried-forward 95 % interval."""
    t = dashboard_text.dashboard(datafolder.load_default(), "GM0995")
    r = t.loc["GM0995_I07"]
    lo = r["status_value"] * math.exp(-noise.Z95 * r["sd_log"])
    hi = r["status_value"] * math.exp(noise.Z95 * r["sd_log"])
    return {"I07 p": fmt.share(100 * r["p_reach"]), "I07 sd_log": fmt.number(r["sd_log"], 2),
            "I07 interval": f"{fmt.number(lo)} tot {fmt.number(hi)}", "I07 word": dashboard_text.likelihood_word(r["p_reach"]),
            "I07 verdict": dashboard_text.VERDICT_NL[r["verdict"]]}


def figures() -> dict[str, str]:
    return {**noise_figures(), **dashboard_figures()}


if __name__ == "__main__":
    for k, v in figures().items():
        print(f"{k}: {v}")
