"""Loaders: one module per source format; :func:`read` recognises a file by its content."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ivpanalysis.errors import DataError
from ivpanalysis.ingest.loaders import counts_json, odata, politie_mik, statline_csv, statline_meta, statline_export, statline_wide, tidy_csv
from ivpanalysis.ingest.loaders import _english, _truncation
from ivpanalysis.ingest.loaders._common import read_text, rows_of

#: tried in this order; each ``sniff`` looks at content only, never at the file name
FORMATS = [counts_json, tidy_csv, statline_meta, politie_mik, statline_csv, statline_wide, odata, statline_export]


def detect(path: str | Path):
    """The loader module whose format the file's content matches."""
    tf = read_text(path)
    rows = _english.to_dutch(rows_of(tf))
    for fmt in FORMATS:
        if fmt.sniff(tf, rows):
            return fmt.load, tf, rows
    if odata.sniff_codelist(tf, rows):
        return odata.load_codelist, tf, rows
    first = tf.text.split("\n", 1)[0][:120]
    raise DataError.at(Path(path).name, "file format not recognised", line=1, found=first,
                       expected="a StatLine CSV download, an older StatLine export (with a Perioden column) "
                                "a wide Waarde_<regio>_<jaar> export, cbsodata output or a CBS code list")


def _parquet(path: Path) -> pd.DataFrame:
    """A data folder's own parquet table; a parquet file without its footer is a truncated copy."""
    from ivpanalysis.ingest import schema
    raw = path.read_bytes()
    if not raw.endswith(b"PAR1"):
        raise DataError.at(path.name, "truncated parquet file: its footer is missing (the download or copy stopped early)",
                           expected="a whole parquet file ending in its footer; copy or download it again")
    df = pd.read_parquet(path)
    if not {"region_code", "period", "measure", "value"} <= set(df.columns):
        raise DataError.at(path.name, "a parquet table that is not a tidy table", column=", ".join(map(str, df.columns[:4])),
                           expected="a data folder's parquet (region_code, period, measure, value, …)")
    df["period"] = schema.map_unique(df["period"].astype(str), lambda p: schema.parse_period(p)[0])
    return schema.finish_tidy(df, format="tidy_parquet", source_file=str(path))


def read(path: str | Path) -> pd.DataFrame:
    """Read any supported file into the tidy frame (see :mod:`ivpanalysis.schema`)."""
    p = Path(path)
    if p.is_file() and p.read_bytes()[:4] == b"PAR1":
        return _parquet(p)
    load, tf, rows = detect(path)
    df = load(tf, rows)
    df.attrs["truncated"] = _truncation.warn(tf, rows, df.attrs.get("format", ""))
    return df
