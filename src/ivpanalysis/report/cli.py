"""The ``report`` and ``batch`` subcommands, as hooks for ``ivpanalysis.cli``.

``ivpanalysis report GM0995 [--data DIR] [--out DIR]`` and
``ivpanalysis batch [GM… | --all] [--data DIR] [--jobs N] [--out DIR] [--timeout S] [--scheduler URL]``,
both with ``--year``, ``--plan-start``, ``--reference-year`` and ``--target-year`` (notebook parameters).
Each hook adds its subparser and sets ``func`` to a function of ``args`` returning the exit code.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ivpanalysis import paths


#: command-line options that become notebook parameters of the same name
NOTEBOOK_OPTIONS = ("year", "plan_start", "reference_year", "target_year")
#: the largest --timeout (seconds per cell) and --jobs accepted
MAX_TIMEOUT = 24 * 3600.0
MAX_JOBS = 64


def _parameters(args) -> dict:
    """Notebook parameters given on the command line (the notebook's defaults otherwise)."""
    return {k: getattr(args, k) for k in NOTEBOOK_OPTIONS if getattr(args, k, None) is not None}


def _fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _problems(e) -> int:
    for p in sorted(e.problems, key=lambda p: (p.file, p.line is not None, p.line or 0)):
        print(p, file=sys.stderr)
    return 1


def check_options(args) -> str | None:
    """The first wrong option as a message (timeout and jobs ranges, --out writable), None when all are fine.

    Resolves ``--data`` and ``--out`` against the current directory on ``args``.
    """
    import math
    from ivpanalysis.cli import data_dir
    from ivpanalysis.report import atomic
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= MAX_TIMEOUT):
        return f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds per cell (got {args.timeout:g})"
    jobs = getattr(args, "jobs", 1)
    if not 1 <= jobs <= MAX_JOBS:
        return f"--jobs must be from 1 to {MAX_JOBS} (got {jobs})"
    args.data = str(data_dir(args.data)) if args.data else None
    if args.data and not Path(args.data).exists():
        return f"--data {args.data} does not exist (expected a data folder)"
    if args.data and not Path(args.data).is_dir():
        return f"--data {args.data} is not a folder"
    args.out = str(Path(args.out).expanduser().absolute())
    try:
        atomic.check_writable(args.out)
    except OSError as e:
        return f"--out {args.out} is not writable ({e.strerror or e})"
    return None


def _gated(args, names: list[str]):
    """(data, codes) after the gate's shared checks; ValueError/LookupError/DataError name what is wrong."""
    from ivpanalysis.cli import check_year, data_names, municipality
    from ivpanalysis.ingest.validate import shared_problems
    from ivpanalysis.report.content import load_data
    from ivpanalysis.errors import DataError
    data = load_data(args.data)
    known = data_names(data)  # once: reading 50.000 rows per name cost 45 s for --all
    codes = [municipality(n, names=known) for n in names]
    shared = shared_problems(data)
    if shared:
        raise DataError(shared)
    bad_year = check_year(args.year, data)
    if bad_year:
        raise ValueError(bad_year)
    return data, list(dict.fromkeys(codes))


def cmd_report(args) -> int:
    """One report with a fresh kernel; exit 0 when written, 1 when it failed (reason on stderr)."""
    from ivpanalysis.errors import DataError
    from ivpanalysis.ingest.validate import refuse
    from ivpanalysis.report.batch import render
    from ivpanalysis.report.execute import KernelSession
    bad = check_options(args)
    if bad:
        return _fail(bad)
    try:
        data, (code,) = _gated(args, [args.municipality])
        refuse(data, code)
    except DataError as e:
        return _problems(e)
    except (ValueError, LookupError, OSError) as e:
        return _fail(str(e))
    with KernelSession() as session:
        entry = render(code, args.out, args.data, timeout=args.timeout, session=session,
                       parameters=_parameters(args))
    if entry["status"] != "ok":
        return _fail(f"{entry['code']}: {entry['error']}", 1)
    print(f"written: {Path(args.out) / entry['outputs'][0]} ({entry['seconds']:.1f} s)")
    return 0


def cmd_batch(args) -> int:
    """Reports for the given codes or names, or ``--all``; exit 1 when any failed, before rendering
    when a shared table has problems."""
    from ivpanalysis.errors import DataError
    from ivpanalysis.report.batch import codes_in_data, run_batch
    bad = check_options(args)
    if bad:
        return _fail(bad)
    try:
        names = codes_in_data(args.data) if args.all else args.municipalities
        _, codes = _gated(args, names)
    except DataError as e:
        print("error: the data folder has problems in shared tables; no report was made:", file=sys.stderr)
        return _problems(e)
    except (ValueError, LookupError, OSError) as e:
        return _fail(str(e))
    if not codes:
        return _fail("no municipalities to report on")
    try:
        manifest = run_batch(codes, args.out, args.data, jobs=args.jobs, timeout=args.timeout,
                             scheduler=args.scheduler, progress=not args.quiet, parameters=_parameters(args))
    except DataError as e:
        return _problems(e)
    for r in manifest["reports"]:
        if r["status"] != "ok":
            print(f"failed: {r['code']}: {r['error']}", file=sys.stderr)
    print(f"{manifest['ok']} reports written, {manifest['failed']} failed, {manifest['seconds']:.1f} s; "
          f"index: {Path(args.out) / 'index.html'}")
    return 1 if manifest["failed"] else 0


def _year_option(p) -> None:
    p.add_argument("--year", type=int, default=None,
                   help="report year (default: the last year with police figures in the data)")
    p.add_argument("--plan-start", dest="plan_start", type=int, default=None, metavar="YEAR",
                   help="first year of the safety plan")
    p.add_argument("--reference-year", dest="reference_year", type=int, default=None, metavar="YEAR",
                   help="year the plan compares with (default: report year - 4; a year on an indicators.csv row wins)")
    p.add_argument("--target-year", dest="target_year", type=int, default=None, metavar="YEAR",
                   help="year the plan's targets are due (a year on an indicators.csv row wins)")


def add_report_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``report GM0995 [--data DIR] [--out DIR]`` to ``subparsers``."""
    p = subparsers.add_parser("report", help="evaluation report (HTML without code) for one municipality")
    p.add_argument("municipality", nargs="?", default=paths.DEFAULT_MUNICIPALITY,
                   help="CBS code in any case or name, e.g. GM0995 or Lelystad")
    p.add_argument("--data", default=None, metavar="DIR", help="data folder (default: the embedded dataset)")
    p.add_argument("--out", default="reports", metavar="DIR",
                   help="output folder (default: ./reports in the current directory)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per notebook cell")
    _year_option(p)
    p.set_defaults(func=cmd_report)
    return p


def add_batch_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``batch [GM… | --all] [--data DIR] [--jobs N]`` to ``subparsers``."""
    p = subparsers.add_parser("batch", help="reports for many municipalities, with manifest.json and index.html")
    p.add_argument("municipalities", nargs="*", metavar="GM", help="CBS codes or names, e.g. GM0995 Dronten")
    p.add_argument("--all", action="store_true", help="every municipality present in the data")
    p.add_argument("--data", default=None, metavar="DIR", help="data folder (default: the embedded dataset)")
    p.add_argument("--out", default="reports", metavar="DIR",
                   help="output folder (default: ./reports in the current directory)")
    p.add_argument("--jobs", type=int, default=2, metavar="N", help="worker processes, one kernel each (default 2)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per notebook cell")
    p.add_argument("--scheduler", default=None, metavar="URL",
                   help="Dask scheduler address (tcp://host:port) instead of local processes")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _year_option(p)

    def _check(args):
        if args.all == bool(args.municipalities):
            p.error("give municipality codes or --all (not both)")
        return cmd_batch(args)
    p.set_defaults(func=_check)
    return p


def register(subparsers) -> None:
    """Add both subcommands."""
    add_report_parser(subparsers)
    add_batch_parser(subparsers)
