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


def read(path: str | Path) -> pd.DataFrame:
    """Read any supported file into the tidy frame (see :mod:`ivpanalysis.schema`)."""
    load, tf, rows = detect(path)
    df = load(tf, rows)
    df.attrs["truncated"] = _truncation.warn(tf, rows, df.attrs.get("format", ""))
    return df
