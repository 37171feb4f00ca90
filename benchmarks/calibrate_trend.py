"""Calibration of the trend intervals under autocorrelation and the July 2018 break (issue 16, item 5).

Simulated data only (ivpanalysis.analysis.simulate.ar_cells): NB counts around an AR(1) latent log
level with ρ ∈ {0, 0.3, 0.5, 0.7}, with no break and with a ±10 % level break in July 2018, at 48,
96 and 144 months and 5, 8 and 14 years, at small/medium/large counts. Per cell: coverage of the
95 % slope interval, of the 95 % projection interval (the 12 months after the series; 1–4 years
ahead for annual series), the share of series the residual check flags, the count of series the
report declines (annual series under trend.MIN_ANNUAL_POINTS years), each with its Clopper–Pearson
95 % interval; the last line names the worst cell.

    nice -n 10 .venv/bin/python benchmarks/calibrate_trend.py --reps 1000 --procs 2   # full run
    .venv/bin/python benchmarks/calibrate_trend.py --table                              # table only
    .venv/bin/python benchmarks/calibrate_trend.py --docs docs/methods-trend.md         # its numbers

Results go to benchmarks/results/calibrate_trend.jsonl one chunk (``--chunk`` replicates of one
cell) per line, so an interrupted run resumes where it stopped and the table can be printed from
whatever chunks exist (it says how many replicates each cell had). Seeds are fixed: a rerun gives
the same figures.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

from scipy import stats

from ivpanalysis.analysis import simulate

OUT = Path(__file__).with_name("results") / "calibrate_trend.jsonl"
LEVEL_BANDS = {"ok": (0.90, 0.97), "rho07": (0.85, 1.0)}
CHECK_NULL_MAX, CHECK_POWER_MIN = 0.07, 0.50


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval of k successes in n."""
    if n == 0:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a, k + 1, n - k))
    return lo, hi


def _task(args):
    cell, reps, chunk, seed, n_sims = args
    t0 = time.perf_counter()
    out = simulate.calibrate(cell, reps, seed=seed, n_sims=n_sims, chunk=chunk)
    out["seconds"] = time.perf_counter() - t0
    return out


def load(path: Path = OUT) -> dict[str, dict]:
    """Chunks in ``path`` summed per cell."""
    cells: dict[str, dict] = {}
    if not path.exists():
        return cells
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        c = cells.setdefault(r["cell"], {"chunks": set(), "reps": 0, "declined": 0, "fitted": 0, "slope_covered": 0,
                                         "check_fired": 0, "proj_n": [0] * len(r["proj_n"]),
                                         "proj_covered": [0] * len(r["proj_n"])})
        if r["chunk"] in c["chunks"]:
            continue
        c["chunks"].add(r["chunk"])
        for k in ("reps", "declined", "fitted", "slope_covered", "check_fired"):
            c[k] += r[k]
        c["proj_n"] = [a + b for a, b in zip(c["proj_n"], r["proj_n"])]
        c["proj_covered"] = [a + b for a, b in zip(c["proj_covered"], r["proj_covered"])]
    return cells


def _band(cell: simulate.ARCell) -> tuple[float, float]:
    return LEVEL_BANDS["rho07" if cell.rho >= 0.7 else "ok"]


def judge(cell: simulate.ARCell, c: dict) -> list[tuple[str, int, int, float, float, float, bool]]:
    """(measure, k, n, estimate, CP low, CP high, passes) for each judged measure of a cell."""
    rows = []
    lo_b, hi_b = _band(cell)
    n = c["fitted"]
    measures = [("slope", c["slope_covered"], n)]
    measures += [(f"proj_h{h + 1}" if cell.freq == "Y" else "proj_12m", k, m)
                 for h, (k, m) in enumerate(zip(c["proj_covered"], c["proj_n"]))]
    for name, k, m in measures:
        if m == 0:
            continue
        lo, hi = clopper_pearson(k, m)
        rows.append((name, k, m, k / m, lo, hi, hi >= lo_b and lo <= hi_b))
    if n and cell.rho == 0.0:
        lo, hi = clopper_pearson(c["check_fired"], n)
        rows.append(("check_fires", c["check_fired"], n, c["check_fired"] / n, lo, hi, lo <= CHECK_NULL_MAX))
    if n and cell.rho == 0.5 and cell.freq == "M" and cell.n == 96:
        lo, hi = clopper_pearson(c["check_fired"], n)
        rows.append(("check_fires", c["check_fired"], n, c["check_fired"] / n, lo, hi, hi >= CHECK_POWER_MIN))
    return rows


def _miss(name: str, cell, est: float, lo: float, hi: float) -> float:
    """How far the CP interval lies outside the band (0 inside), for picking the worst cell."""
    if name == "check_fires":
        return max(lo - CHECK_NULL_MAX, 0.0) if cell.rho == 0 else max(CHECK_POWER_MIN - hi, 0.0)
    lo_b, hi_b = _band(cell)
    return max(lo_b - hi, lo - hi_b, 0.0)


def table(cells: dict[str, dict]) -> str:
    lines = ["| cell | reps | declined | slope cov. [CP 95 %] | projection cov. [CP 95 %] | check fires [CP 95 %] | pass |",
             "|---|---|---|---|---|---|---|"]
    worst, n_fail, n_cells = None, 0, 0
    for cell in simulate.ar_cells():
        c = cells.get(cell.name)
        if c is None:
            lines.append(f"| {cell.name} | 0 | – | not run | – | – | – |")
            continue
        n_cells += 1
        rows = judge(cell, c)
        f = lambda r: f"{r[3]:.3f} [{r[4]:.3f}–{r[5]:.3f}]"  # noqa: E731
        slope = next((f(r) for r in rows if r[0] == "slope"), "–")
        proj = "; ".join(("" if r[0] == "proj_12m" else r[0][-2:] + " ") + f(r) for r in rows if r[0].startswith("proj"))
        fired = (f"{c['check_fired'] / c['fitted']:.3f}" if c["fitted"] else "–")
        fired = next((f(r) for r in rows if r[0] == "check_fires"), fired)
        ok = all(r[6] for r in rows)
        n_fail += not ok
        lines.append(f"| {cell.name} | {c['reps']} | {c['declined']} | {slope} | {proj or '–'} | {fired} | "
                     f"{'yes' if ok else 'NO'}{'' if rows else ' (declined)'} |")
        for r in rows:
            score = (_miss(r[0], cell, *r[3:6]), -abs(r[3] - 0.95) if not r[0].startswith("check") else 0)
            if worst is None or score > worst[0]:
                worst = (score, cell, r)
    lines.append("")
    lines.append(f"cells run: {n_cells}/{len(simulate.ar_cells())}; cells failing: {n_fail}")
    if worst:
        _, cell, r = worst
        lines.append(f"WORST CELL: {cell.name} {r[0]} = {r[3]:.3f} (CP 95 % {r[4]:.3f}–{r[5]:.3f}, {r[1]}/{r[2]}) "
                     f"{'passes' if r[6] else 'FAILS'}")
    return "\n".join(lines)


def constants() -> str:
    """The settings the methods document quotes, read from the code (so the document cannot drift)."""
    from ivpanalysis.analysis import trend

    c = simulate.ARCell(freq="M", n=96, level="small", rho=0.0)
    a = simulate.ARCell(freq="Y", n=8, level="small", rho=0.0)
    rows = [("COVID window", f"{trend.COVID_DEFAULT[0]} … {trend.COVID_DEFAULT[1]}"),
            ("registration break", trend.REGISTRATION_BREAK),
            ("monthly counts aggregated to quarters below (mean a month)", f"{trend.MIN_MEAN_PER_PERIOD:g}"),
            ("fewest events for a trend", f"{trend.MIN_EVENTS}"),
            ("residual df to estimate alpha from the series", f"{trend.MIN_DF_FOR_ALPHA}"),
            ("fewest annual points the report fits", f"{trend.MIN_ANNUAL_POINTS}"),
            ("acf lags for the working correlation (M, Q, Y)", ", ".join(str(trend.ACF_LAGS[f]) for f in "MQY")),
            ("largest working rho", f"{trend.RHO_MAX:g}"),
            ("residual check: one-sided level of the lag-1 test", f"{trend.RESIDUAL_CHECK_LEVEL:g}"),
            ("simulation: counts a month (small, medium, large)", ", ".join(f"{v:g}" for v in simulate.LEVELS.values())),
            ("simulation: rho", ", ".join(f"{r:g}" for r in simulate.RHOS)),
            ("simulation: lengths (months; years)", ", ".join(map(str, simulate.MONTHLY_LENGTHS)) + "; "
             + ", ".join(map(str, simulate.ANNUAL_LENGTHS))),
            ("simulation: latent s.d. (monthly; annual)", f"{c.sigma:g}; {a.sigma:g}"),
            ("simulation: NB alpha around the latent level", f"{c.alpha:g}"),
            ("simulation: trend % a year; COVID effect (log); season amplitude (log)",
             f"{c.pct_per_year:g}; {c.covid_effect:g}; {c.seasonal_amplitude:g}"),
            ("simulation: break (%, sign alternating)", "±10")]
    return "\n".join(["| setting | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows])


BLOCKS = {"constants": lambda path: constants(), "calibration": lambda path: table(load(path))}


def doc_blocks(text: str) -> dict[str, str]:
    """The generated blocks of a document: ``<!-- generated: NAME -->`` … ``<!-- end: NAME -->``."""
    import re

    return {m.group(1): m.group(2).strip("\n") for m in
            re.finditer(r"<!-- generated: (\w+) -->\n(.*?)<!-- end: \1 -->", text, flags=re.S)}


def write_docs(doc: Path, results: Path = OUT) -> None:
    """Rewrite the generated blocks of ``doc`` from the code and ``results``."""
    text = doc.read_text(encoding="utf-8")
    for name, make in BLOCKS.items():
        start, end = f"<!-- generated: {name} -->\n", f"<!-- end: {name} -->"
        i, j = text.index(start) + len(start), text.index(end)
        text = text[:i] + make(results) + "\n" + text[j:]
    doc.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=1000, help="replicates per cell (default 1000)")
    ap.add_argument("--chunk", type=int, default=250, help="replicates per task (default 250)")
    ap.add_argument("--procs", type=int, default=2, help="worker processes (at most 2 on the shared machine)")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--n-sims", type=int, default=2000, help="draws per projection (default 2000)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--table", action="store_true", help="only print the table from --out")
    ap.add_argument("--docs", type=Path, help="only rewrite the generated blocks of this document (docs/methods-trend.md)")
    a = ap.parse_args(argv)
    if a.docs:
        write_docs(a.docs, a.out)
        return 0
    if not a.table:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        have = {(n, ch) for n, c in load(a.out).items() for ch in c["chunks"]}
        tasks = [(cell, a.chunk, ch, a.seed, a.n_sims) for ch in range(a.reps // a.chunk)
                 for cell in simulate.ar_cells() if (cell.name, ch) not in have]
        print(f"{len(tasks)} tasks of {a.chunk} replicates, {min(a.procs, 2)} processes", file=sys.stderr)
        with mp.get_context("fork").Pool(min(a.procs, 2)) as pool, open(a.out, "a", encoding="utf-8") as f:
            for i, r in enumerate(pool.imap_unordered(_task, tasks)):
                f.write(json.dumps(r) + "\n")
                f.flush()
                print(f"  {i + 1}/{len(tasks)} {r['cell']} chunk {r['chunk']}: {r['seconds']:.0f} s", file=sys.stderr)
    print(f"Simulated data. Command: python benchmarks/calibrate_trend.py --reps {a.reps} --seed {a.seed} "
          f"--n-sims {a.n_sims} (pid {os.getpid()})" if not a.table else "Simulated data (table from " + str(a.out) + ")")
    print(table(load(a.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
