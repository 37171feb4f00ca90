"""ingest.loaders: read(): recognises a file by its content and names every problem of a bad input; real files read in place."""
import shutil

import pandas as pd
import pytest

import ivpanalysis as iv
import ivpanalysis.ingest.schema
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.validate import problems_in

from .conftest import FIXTURES


@pytest.mark.parametrize("name, message", [
    ("unknown_municipality.csv", "unknown region name"),
    ("text_in_numeric.csv", "text in a numeric column"),
    ("decimal_comma_in_point_file.csv", "decimal comma where a point is expected"),
    ("empty.csv", "the file is empty"),
    ("duplicated_rows.csv", "duplicate row"),
    ("header_only.csv", "header but no data rows"),
    ("statline_header_only.csv", "header but no data rows"),
    ("wrong_separator.csv", "file format not recognised"),
    ("unreadable_period.csv", "unreadable period"),
    ("extra_field.csv", "fields, the header has"),
    ("text_in_odata.csv", "text in a numeric column"),
    ("mik_bad_date.csv", "unreadable date"),
    ("mik_bad_postcode.csv", "not a four-digit postcode"),
    ("unknown_marges.csv", "unknown value in the Marges column"),
    ("decimal_point_in_comma_file.csv", "decimal point in a file that uses a decimal comma"),
])
def test_bad_input_is_named(name, message):
    with pytest.raises(DataError) as e:
        iv.read(FIXTURES / "bad" / name)
    text = str(e.value)
    assert message in text and name in text
    assert "expected" in text
    if name not in ("empty.csv", "header_only.csv", "statline_header_only.csv", "wrong_separator.csv", "extra_field.csv"):
        assert "line " in text and "column" in text


@pytest.mark.parametrize("name, message", [
    ("negative_count.csv", "negative count"),
    ("future_period.csv", "period lies in the future"),
    ("unknown_code.csv", "region code not in the CBS code list"),
    ("malformed_code.csv", "malformed municipality code"),
])
def test_validation_problems_are_named(name, message):
    df = iv.read(FIXTURES / "bad" / name)
    probs = problems_in(df, name)
    assert probs and message in str(probs[0]) and name in str(probs[0])
    assert "line " in str(probs[0]) and "column" in str(probs[0])
