"""`ivpanalysis …` command line: report, batch, table, fetch, validate."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ivpanalysis import paths
from ivpanalysis.ingest import schema
from ivpanalysis.ingest.datafolder import load
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.loaders import read
from ivpanalysis.ingest.validate import problems_in


def cmd_validate(args) -> int:
    if Path(args.path).is_dir():
        from ivpanalysis.ingest.validate import dataset_problems
        try:
            probs = dataset_problems(load(args.path))
        except DataError as e:
            print(e, file=sys.stderr)
            return 1
        for p in probs:
            print(p, file=sys.stderr)
        if not probs:
            print(f"{args.path}: data folder, no problems")
        return 1 if probs else 0
    try:
        df = read(args.path)
    except DataError as e:
        print(e, file=sys.stderr)
        return 1
    probs = problems_in(df, Path(args.path).name)
    if probs:
        for p in probs:
            print(p, file=sys.stderr)
        return 1
    print(f"{args.path}: {len(df)} rows, format {df.attrs.get('format')}, no problems")
    return 0


def cmd_read(args) -> int:
    """``ivpanalysis read FILE``: what the file is recognised as (format, role, regions, periods) or why not."""
    from ivpanalysis.ingest import roles
    try:
        rec = roles.recognise(args.path)
    except DataError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: {e.strerror or e} ({args.path})", file=sys.stderr)
        return 1
    print(rec.describe())
    return 0 if rec.tables else 1


#: ``ivpanalysis table NAME GM``: name → (module, function); each builds a DataFrame from
#: ``(dataset, code, year)``. Imported when called, so one table's dependencies never slow the others.
TABLES = {
    "police": ("ivpanalysis.analysis.police", "police_table"),
    "dashboard": ("ivpanalysis.present.dashboard_text", "dashboard"),
    "activities": ("ivpanalysis.ingest.registers", "activities_table"),
}


def _dataset(args):
    return load(args.data)  # None: the embedded dataset


def cmd_table(args) -> int:
    import importlib
    code = args.municipality
    try:
        schema.check_municipality_code(code)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    module, func = TABLES[args.name]
    mod = importlib.import_module(module)
    build = getattr(mod, func)
    try:
        table = build(_dataset(args), code, year=args.year)
    except (DataError, LookupError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    columns = getattr(mod, "CSV_COLUMNS", None)  # a module may fix its exported columns (a contract)
    if columns:
        table = table[columns]
    from ivpanalysis.present import table_export
    if args.csv:
        try:
            table_export.write_csv(table, args.csv, args.dialect)
        except BrokenPipeError:  # `… --csv - | head`: the reader has seen enough
            sys.stderr.close()
            return 0
    if args.xlsx:
        table.to_excel(args.xlsx, index=False)
    if not args.csv and not args.xlsx:
        print(table_export.terminal_view(table))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="ivpanalysis", description="IVP evaluation reports from public Dutch safety data")
    sub = ap.add_subparsers(dest="command", required=True)
    from ivpanalysis.report.cli import register as register_report
    register_report(sub)  # report, batch
    t = sub.add_parser("table", help="one table of the evaluation as CSV/Excel (numbers unformatted)")
    t.add_argument("name", choices=sorted(TABLES))
    t.add_argument("municipality", nargs="?", default=paths.DEFAULT_MUNICIPALITY)
    t.add_argument("--year", type=int, default=None, help="report year (default: the last year in the data)")
    t.add_argument("--data", default=None, help="data folder (default: the embedded dataset)")
    t.add_argument("--csv", default=None, metavar="PATH", help="write CSV to PATH ('-' for standard output)")
    t.add_argument("--dialect", choices=("machine", "nl"), default="machine",
                   help="CSV form: machine (',' and decimal point) or nl (';', decimal comma, BOM, the report's headers)")
    t.add_argument("--xlsx", default=None, metavar="PATH", help="write an Excel workbook")
    t.set_defaults(func=cmd_table)
    v = sub.add_parser("validate", help="read a data file or data folder and list its problems (exit 1 when invalid)")
    v.add_argument("path")
    v.set_defaults(func=cmd_validate)
    r = sub.add_parser("read", help="say what a file is recognised as: format, role in a data folder, regions, periods")
    r.add_argument("path")
    r.set_defaults(func=cmd_read)
    from ivpanalysis.ingest import fetch as fetch_mod  # cbsodata is imported only when downloading
    f = sub.add_parser("fetch", help="download CBS/politie tables (or read downloaded files) into a data folder for --data")
    fetch_mod.add_arguments(f)
    f.set_defaults(func=fetch_mod.run_cli)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
