"""Estimate year-to-year overdispersion α of registered crime per gemeente → data/codes/overdispersion.csv.

Source: CBS/politie 47018NED counts per gemeente and year for 12 crime types, as reshaped into one
JSON by luc4sdreyer/dutch_demographics (``dreyer_47018NED_gemeente_jaar/data.json`` in the shared
real-data folder). Only final years (not marked provisional) are used, consecutive pairs only.
Per crime type and pair of years, the common (all-municipality) change R is removed, then α is the
method-of-moments estimate of :func:`ivpanalysis.noise.estimate_alpha` pooled over all pairs.
The ``*`` row pools every type and is used for series without a SoortMisdrijf code.

    python scripts/estimate_overdispersion.py [REALDATA_DIR]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from ivpanalysis.noise import estimate_alpha  # noqa: E402

OUT = ROOT / "data" / "codes" / "overdispersion.csv"
REL = "dreyer_47018NED_gemeente_jaar/data.json"


def pairs(data: dict) -> pd.DataFrame:
    """One row per (type, gemeente, year pair) with k1, k2 and the common ratio R of that type and pair."""
    final = [y for y in data["years"] if y not in set(data["provisional"])]
    rows = []
    for code, per in data["counts"].items():
        for y in final:
            if y + 1 not in final:
                continue
            ks = [(gm, ys.get(str(y)), ys.get(str(y + 1))) for gm, ys in per.items() if gm != "GM0000"]
            ks = [(gm, a, b) for gm, a, b in ks if a is not None and b is not None]
            k1 = np.array([a for _, a, _ in ks], float)
            k2 = np.array([b for _, _, b in ks], float)
            ratio = k2.sum() / k1.sum()
            rows += [(code, gm, y, a, b, ratio) for (gm, a, b) in ks]
    return pd.DataFrame(rows, columns=["soortmisdrijf", "gemeente", "year", "k1", "k2", "ratio"])


def alpha_of(df: pd.DataFrame) -> float:
    """α pooled over pairs with their own common ratio: the estimator's sums, added over groups."""
    d = df["k2"] - df["ratio"] * df["k1"]
    num = (d ** 2 - (df["k2"] + df["ratio"] ** 2 * df["k1"])).sum()
    den = (df["k2"] ** 2 + df["ratio"] ** 2 * df["k1"] ** 2).sum()
    return max(0.0, float(num / den))


def build(realdata: Path) -> pd.DataFrame:
    data = json.loads((realdata / REL).read_text(encoding="utf-8"))
    labels = {o["code"]: o["label"] for o in data["offences"]}
    p = pairs(data)
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
