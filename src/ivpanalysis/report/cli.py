"""The ``report`` and ``batch`` subcommands, as hooks for ``ivpanalysis.cli``.

``ivpanalysis report GM0995 [--data DIR] [--out DIR]`` and
``ivpanalysis batch [GM… | --all] [--data DIR] [--jobs N] [--out DIR] [--timeout S] [--scheduler URL]``,
both with ``--year``, ``--plan-start``, ``--reference-year`` and ``--target-year`` (notebook parameters).
Each hook adds its subparser and sets ``func`` to a function of ``args`` returning the exit code.
"""
from __future__ import annotations

import argparse
import sys

from ivpanalysis import paths


#: command-line options that become notebook parameters of the same name
NOTEBOOK_OPTIONS = ("year", "plan_start", "reference_year", "target_year")


def _parameters(args) -> dict:
    """Notebook parameters given on the command line (the notebook's defaults otherwise)."""
    return {k: getattr(args, k) for k in NOTEBOOK_OPTIONS if getattr(args, k, None) is not None}


def cmd_report(args) -> int:
    """One report with a fresh kernel; exit 0 when written, 1 when it failed (reason on stderr)."""
    from ivpanalysis.report.batch import render
    from ivpanalysis.report.content import validate_code
    from ivpanalysis.report.execute import KernelSession
    try:
        validate_code(args.municipality)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    with KernelSession() as session:
        entry = render(args.municipality, args.out, args.data, timeout=args.timeout, session=session,
                       parameters=_parameters(args))
    if entry["status"] != "ok":
        print(f"error: {entry['code']}: {entry['error']}", file=sys.stderr)
        return 1
    from pathlib import Path
    print(f"written: {Path(args.out) / entry['outputs'][0]} ({entry['seconds']:.1f} s)")
    return 0


def cmd_batch(args) -> int:
    """Reports for the given codes or ``--all``; exit 1 when any failed."""
    from ivpanalysis.report.batch import codes_in_data, run_batch
    try:
        codes = codes_in_data(args.data) if args.all else args.municipalities
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not codes:
        print("error: no municipalities to report on", file=sys.stderr)
        return 2
    manifest = run_batch(codes, args.out, args.data, jobs=args.jobs, timeout=args.timeout,
                         scheduler=args.scheduler, progress=not args.quiet, parameters=_parameters(args))
    for r in manifest["reports"]:
        if r["status"] != "ok":
            print(f"failed: {r['code']}: {r['error']}", file=sys.stderr)
    print(f"{manifest['ok']} reports written, {manifest['failed']} failed, {manifest['seconds']:.1f} s; "
          f"index: {args.out}/index.html")
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
    p.add_argument("municipality", nargs="?", default=paths.DEFAULT_MUNICIPALITY, help="CBS code, e.g. GM0995")
    p.add_argument("--data", default=None, metavar="DIR", help="data folder (default: the embedded dataset)")
    p.add_argument("--out", default=str(paths.REPORTS_DIR), metavar="DIR", help="output folder (default: reports/)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per notebook cell")
    _year_option(p)
    p.set_defaults(func=cmd_report)
    return p


def add_batch_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``batch [GM… | --all] [--data DIR] [--jobs N]`` to ``subparsers``."""
    p = subparsers.add_parser("batch", help="reports for many municipalities, with manifest.json and index.html")
    p.add_argument("municipalities", nargs="*", metavar="GM", help="CBS codes, e.g. GM0995 GM0303")
    p.add_argument("--all", action="store_true", help="every municipality present in the data")
    p.add_argument("--data", default=None, metavar="DIR", help="data folder (default: the embedded dataset)")
    p.add_argument("--out", default=str(paths.REPORTS_DIR), metavar="DIR", help="output folder (default: reports/)")
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
