"""Fit the noise model V(μ) = φμ + αμ² of registered crime per gemeente → data/codes/overdispersion.csv.

Source: CBS/politie 47018NED counts per gemeente and year for 12 crime types, as reshaped into one
JSON by luc4sdreyer/dutch_demographics (``dreyer_47018NED_gemeente_jaar/data.json`` in the shared
real-data folder). Only final years (not marked provisional) are used. For every crime type and
gap g = 1 … MAX_GAP years, all pairs (y, y+g) of a gemeente are taken, the common (all-municipality)
change R of that type and pair of years is removed, and the negative-binomial α is estimated by
moments (:func:`ivpanalysis.analysis.noise.estimate_alpha`) separately in each size band of the
two-year total (:data:`ivpanalysis.analysis.noise.BANDS`), so the large cities do not set the α
of small ones; each band's anchor is the median two-year total of its pairs (α is interpolated in
log n between anchors). Pairs with k₁ + k₂ < MIN_TOTAL are left out (the test gives no verdict there). A
type's band with fewer than MIN_PAIRS pairs is thin and gets the pooled ``*`` band's α (``pooled``
= True). The ``*`` rows pool every type; they are used for series without a SoortMisdrijf code
(totals, sums, nuisance reports). Rerunning gives the same bytes.

    python scripts/estimate_overdispersion.py [REALDATA_DIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from ivpanalysis.ingest import schema  # noqa: E402
from ivpanalysis.ingest.loaders import counts_json  # noqa: E402
from ivpanalysis.analysis import noise  # noqa: E402

OUT = ROOT / "data" / "codes" / "overdispersion.csv"
REL = "dreyer_47018NED_gemeente_jaar/data.json"
MIN_PAIRS = 100
SOURCE = "47018NED per gemeente (luc4sdreyer/dutch_demographics data.json), final years"


def wide_counts(crime: pd.DataFrame, final_only: bool = True) -> pd.DataFrame:
    """Counts with rows (type, gemeente) and one column per year; pseudo-units (GM0000) left out."""
    keep = crime["region_code"].map(schema.region_kind) != "pseudo"
    if final_only:
        keep &= crime["status"] == "definitief"
    df = crime[keep]
    return df.assign(year=df["period"].map(lambda p: p.year)).pivot_table(
        index=["measure", "region_code"], columns="year", values="value", aggfunc="first")


def pairs(wide: pd.DataFrame, gap: int, first: int | None = None, last: int | None = None) -> pd.DataFrame:
    """One row per (type, gemeente, year y) with k1 (year y), k2 (year y + gap) and the common ratio R.

    Only years in [first, last] (both ends of a pair), default all columns of ``wide``.
    """
    years = [y for y in wide.columns if (first is None or y >= first) and (last is None or y <= last)]
    parts = []
    for y in sorted(years):
        if y + gap not in years:
            continue
        pair = wide[[y, y + gap]].dropna().set_axis(["k1", "k2"], axis=1).reset_index()
        g = pair.groupby("measure")
        ratio = g["k2"].transform("sum") / g["k1"].transform("sum")
        parts.append(pair.assign(year=y, gap=gap, ratio=ratio))
    out = pd.concat(parts, ignore_index=True).rename(columns={"measure": "soortmisdrijf", "region_code": "gemeente"})
    return out[["soortmisdrijf", "gemeente", "year", "gap", "k1", "k2", "ratio"]]


def judged(p: pd.DataFrame) -> pd.DataFrame:
    """The pairs the test judges (two-year total at least MIN_TOTAL)."""
    return p[(p["k1"] + p["k2"]) >= noise.MIN_TOTAL]


def band_rows(p: pd.DataFrame, code: str, label: str, gap: int, span: str, pooled: list[dict] | None) -> list[dict]:
    """One row per size band: α of the pairs in it and their median n (the band's anchor), or the
    pooled band's α and anchor when thin (``pooled``: the ``*`` rows; None for the ``*`` rows themselves)."""
    n = p["k1"] + p["k2"]
    band = noise.band_of(n)
    rows = []
    for i, (lo, hi) in enumerate(noise.BANDS):
        g = p[band == i]
        thin = pooled is not None and len(g) < MIN_PAIRS
        if thin:
            alpha, anchor = pooled[i]["alpha"], pooled[i]["anchor_n"]
        else:
            alpha, anchor = round(noise.estimate_alpha(g["k1"], g["k2"], g["ratio"]), 5), float((g["k1"] + g["k2"]).median())
        rows.append({"soortmisdrijf": code, "label": label, "gap": gap, "n_low": lo,
                     "n_high": "" if hi == float("inf") else hi, "anchor_n": anchor,
                     "alpha": alpha, "pooled": pooled is None or thin, "pairs": len(g), "years": span})
    return rows


def fit_rows(p: pd.DataFrame, labels: dict, gap: int) -> list[dict]:
    """The table's rows for one gap: ``*`` (all types pooled), then each type, per size band."""
    p = judged(p)
    span = f"{p['year'].min()}-{p['year'].max() + gap}"
    rows = band_rows(p, "*", "alle soorten (gepoold)", gap, span, None)
    pooled = list(rows)
    for code, g in p.groupby("soortmisdrijf", sort=True):
        rows += band_rows(g, code, labels.get(code, ""), gap, span, pooled)
    return rows


def build(realdata: Path) -> pd.DataFrame:
    crime = counts_json.load_file(realdata / REL).counts
    labels = dict(zip(crime["measure"], crime["measure_label"]))
    wide = wide_counts(crime)
    rows = [r for gap in range(1, noise.MAX_GAP + 1) for r in fit_rows(pairs(wide, gap), labels, gap)]
    out = pd.DataFrame(rows).sort_values(["soortmisdrijf", "gap", "n_low"], kind="stable")
    out["source"] = SOURCE
    return out.reset_index(drop=True)


def main(argv: list[str]) -> int:
    realdata = Path(argv[0]) if argv else ROOT.parent / "shared" / "realdata"
    build(realdata).to_csv(OUT, index=False, lineterminator="\n")
    print(f"written {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
