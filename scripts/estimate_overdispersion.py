"""Estimate year-to-year overdispersion α of registered crime per gemeente → data/codes/overdispersion.csv.

Source: CBS/politie 47018NED counts per gemeente and year for 12 crime types, as reshaped into one
JSON by luc4sdreyer/dutch_demographics (``dreyer_47018NED_gemeente_jaar/data.json`` in the shared
real-data folder). Only final years (not marked provisional) are used, consecutive pairs only.
Per crime type and pair of years, the common (all-municipality) change R is removed, then α is the
method-of-moments estimate of :func:`ivpanalysis.analysis.noise.estimate_alpha` pooled over all pairs.
The ``*`` row pools every type and is used for series without a SoortMisdrijf code.

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
from ivpanalysis.analysis.noise import estimate_alpha  # noqa: E402

OUT = ROOT / "data" / "codes" / "overdispersion.csv"
REL = "dreyer_47018NED_gemeente_jaar/data.json"


def pairs(crime: pd.DataFrame) -> pd.DataFrame:
    """One row per (type, gemeente, year pair) with k1, k2 and the common ratio R of that type and pair.

    ``crime``: the tidy counts of the JSON (``counts_json.load_file``); final years only, pseudo-units
    such as GM0000 "Gemeente onbekend" left out.
    """
    final = crime[(crime["status"] == "definitief") & (crime["region_code"].map(schema.region_kind) != "pseudo")]
    wide = final.assign(year=final["period"].map(lambda p: p.year)).pivot_table(
        index=["measure", "region_code"], columns="year", values="value", aggfunc="first")
    years = set(wide.columns)
    parts = []
    for y in sorted(years):
        if y + 1 not in years:
            continue
        pair = wide[[y, y + 1]].dropna().set_axis(["k1", "k2"], axis=1).reset_index()
        ratio = pair.groupby("measure")["k2"].transform("sum") / pair.groupby("measure")["k1"].transform("sum")
        parts.append(pair.assign(year=y, ratio=ratio))
    out = pd.concat(parts, ignore_index=True).rename(columns={"measure": "soortmisdrijf", "region_code": "gemeente"})
    return out[["soortmisdrijf", "gemeente", "year", "k1", "k2", "ratio"]]


def alpha_of(df: pd.DataFrame) -> float:
    """α pooled over pairs, each with the common ratio of its own type and year."""
    return estimate_alpha(df["k1"], df["k2"], df["ratio"])


def build(realdata: Path) -> pd.DataFrame:
    crime = counts_json.load_file(realdata / REL).counts
    labels = dict(zip(crime["measure"], crime["measure_label"]))
    p = pairs(crime)
    rows = [{"soortmisdrijf": c, "label": labels.get(c, ""), "alpha": round(alpha_of(g), 5), "pairs": len(g),
             "years": f"{g['year'].min()}-{g['year'].max() + 1}"} for c, g in p.groupby("soortmisdrijf", sort=True)]
    rows.append({"soortmisdrijf": "*", "label": "alle soorten (gepoold)", "alpha": round(alpha_of(p), 5),
                 "pairs": len(p), "years": f"{p['year'].min()}-{p['year'].max() + 1}"})
    out = pd.DataFrame(rows)
    out["source"] = "47018NED per gemeente (luc4sdreyer/dutch_demographics data.json), final years"
    return out


def main(argv: list[str]) -> int:
    realdata = Path(argv[0]) if argv else ROOT.parent / "shared" / "realdata"
    build(realdata).to_csv(OUT, index=False, lineterminator="\n")
    print(f"written {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
