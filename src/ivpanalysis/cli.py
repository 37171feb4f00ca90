"""`ivpanalysis …` command line: report, batch, table, fetch, validate."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ivpanalysis import paths
from ivpanalysis.ingest import schema
from ivpanalysis.ingest.datafolder import load
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.loaders import read
from ivpanalysis.ingest.validate import problems_in


def _print_problems(probs) -> None:
    for p in sorted(probs, key=lambda p: (p.file, p.line is not None, p.line or 0)):
        print(p, file=sys.stderr)


def _validate_folder(path: Path) -> int:
    """Every table of a data folder through the gate; exit 1 when any problem is found."""
    from ivpanalysis.ingest.validate import gate
    try:
        probs = gate(load(path)).problems
    except DataError as e:
        _print_problems(e.problems)
        return 1
    _print_problems(probs)
    if not probs:
        print(f"{path}: data folder, no problems")
    return 1 if probs else 0


def _is_tidy_csv(path: Path) -> bool:
    from ivpanalysis.ingest import tablefile
    try:
        head = tablefile.read_text(path).splitlines()[0]
    except (DataError, IndexError):
        return False
    return all(c in [h.strip() for h in head.split(",")] for c in tablefile.REQUIRED)


def _validate_tidy_file(path: Path) -> int:
    """A tidy CSV (as in a data folder) with the gate's row and plausibility checks."""
    from ivpanalysis.ingest import plausible, tablefile
    try:
        df = tablefile.finish(tablefile.read_csv_text(path), path)
    except DataError as e:
        _print_problems(e.problems)
        return 1
    probs = list(df.attrs["load_problems"]) + problems_in(df, str(path))
    probs += plausible.police_counts(df, df) + plausible.population_values(df) + plausible.survey_values(df)
    _print_problems(probs)
    if not probs:
        print(f"{path}: {len(df)} rows, tidy table, no problems")
    return 1 if probs else 0


def _validate_file(path: Path) -> int:
    from ivpanalysis.ingest import tablefile
    try:
        tablefile.check_file(path)  # a FIFO is refused before it is opened (reading it would hang)
        if path.suffix.lower() in (".csv", ".txt", ".json"):
            try:
                tablefile.read_text(path)  # UTF-16, a workbook saved as .csv, an empty file: said plainly
            except DataError as e:
                if "not UTF-8" not in e.problems[0].message:  # cp1252 StatLine downloads are the loaders' to read
                    raise
        if _is_tidy_csv(path):
            return _validate_tidy_file(path)
        df = read(path)
    except DataError as e:
        _print_problems(e.problems)
        return 1
    except Exception as e:  # noqa: BLE001 - validate names the file, never shows a traceback
        print(f"{path}: cannot be read ({type(e).__name__}: {str(e).strip()[:200]}); expected a CSV, parquet, "
              "JSON or Excel file in one of the supported formats", file=sys.stderr)
        return 1
    probs = problems_in(df, path.name)
    _print_problems(probs)
    if not probs:
        print(f"{path}: {len(df)} rows, format {df.attrs.get('format')}, no problems")
    return 1 if probs else 0


def cmd_validate(args) -> int:
    """Read a data file or folder and list its problems; never a traceback, exit 1 when invalid."""
    path = Path(args.path)
    if not os.path.lexists(path):
        print(f"error: {args.path} does not exist (expected a data file or data folder)", file=sys.stderr)
        return 2
    try:
        is_dir = path.is_dir()
    except OSError:
        is_dir = False
    return _validate_folder(path) if is_dir else _validate_file(path)


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


def data_dir(arg: str | None) -> Path | None:
    """``--data`` resolved against the current directory (None: the embedded dataset)."""
    return Path(arg).expanduser().absolute() if arg else None


def municipality(arg: str, data=None, names: dict[str, str] | None = None) -> str:
    """A code in any case or a name (see :mod:`ivpanalysis.ingest.municipality`); ValueError otherwise.

    ``names``: :func:`data_names` of ``data``, when many arguments are resolved against one folder.
    """
    from ivpanalysis.ingest.municipality import resolve
    if names is None and data is not None:
        names = data_names(data)
    return resolve(arg, names)


def data_names(data) -> dict[str, str]:
    """Municipality code → name as the folder's police figures and survey write them."""
    frames = [f for f in (data.police, data.survey) if len(f)]
    return {c: n for f in frames for c, n in zip(f["region_code"], f["region_name"])
            if isinstance(c, str) and schema.GM_PATTERN.match(c) and n}


def years_in(data) -> list[int]:
    """Years with police counts in the data (for checking ``--year``)."""
    per = data.police.loc[data.police["value"].notna(), "period"]
    return sorted({p.year for p in per if hasattr(p, "year")})


def check_year(year: int | None, data) -> str | None:
    """The error message when ``--year`` lies outside the data, else None."""
    if year is None:
        return None
    years = years_in(data)
    if year in years:
        return None
    present = f"{years[0]}–{years[-1]}" if years else "none"
    return f"--year {year} is not in the data (years with police figures: {present})"


#: table → the report section whose confined problems (e.g. a bad indicator row) refuse it too
TABLE_SECTIONS = {"dashboard": "dashboard_section"}


def gated_dataset(args, code: str):
    """The data folder through the gate, refused (DataError) for shared problems or the municipality's own."""
    from ivpanalysis.ingest.validate import gate, refuse, section_problems
    data = gate(load(data_dir(args.data)))
    refuse(data, code)
    confined = section_problems(data, code, TABLE_SECTIONS.get(args.name, ""))
    if confined:
        raise DataError(confined)
    return data


def write_table(table, args) -> int:
    """``--csv``/``--xlsx``/stdout; text cells that could be formulas are neutralised in files."""
    from ivpanalysis.present import table_export
    from ivpanalysis.report.export import neutralise
    if args.csv:
        try:
            table_export.write_csv(neutralise(table), args.csv, args.dialect)
        except BrokenPipeError:  # `… --csv - | head`: the reader has seen enough
            sys.stderr.close()
            return 0
    if args.xlsx:
        neutralise(table).to_excel(args.xlsx, index=False)
    if not args.csv and not args.xlsx:
        print(table_export.terminal_view(table))
    return 0


def cmd_table(args) -> int:
    import importlib
    try:
        data = load(data_dir(args.data))
        code = municipality(args.municipality, data)
        data = gated_dataset(args, code)
    except DataError as e:
        _print_problems(e.problems)
        return 1
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    bad_year = check_year(args.year, data)
    if bad_year:
        print(f"error: {bad_year}", file=sys.stderr)
        return 2
    module, func = TABLES[args.name]
    mod = importlib.import_module(module)
    build = getattr(mod, func)
    try:
        table = build(data, code, year=args.year)
    except (DataError, LookupError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    columns = getattr(mod, "CSV_COLUMNS", None)  # a module may fix its exported columns (a contract)
    if columns:
        table = table[columns]
    try:
        return write_table(table, args)
    except OSError as e:
        print(f"error: cannot write {e.filename or args.csv or args.xlsx}: {e.strerror or e}", file=sys.stderr)
        return 1


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
