"""validate: row checks (pandera) and data-folder checks, each naming file, line, column and expectation."""
import pandas as pd

from ivpanalysis import read
from ivpanalysis import cli, paths
from ivpanalysis.ingest import datafolder, schema
from ivpanalysis.ingest.validate import dataset_problems, problems_in

from .conftest import FIXTURES


def test_embedded_dataset_is_valid():
    assert dataset_problems(datafolder.load_default()) == []


def test_every_problem_in_a_frame_is_reported_at_once():
    df = schema.finish_tidy(pd.DataFrame({
        "region_code": ["GM0995", "GM12", "GM9999", "GM0995"], "period": [pd.Period("2019", "Y")] * 3 + [pd.Period("2099", "Y")],
        "measure": ["a", "a", "a", "b"], "value": [-1.0, 1.0, 2.0, 3.0], "unit": ["aantal"] * 4, "line": [2, 3, 4, 5]}))
    probs = problems_in(df, "f.csv")
    assert [(p.line, p.message) for p in probs] == [
        (2, "negative count"), (3, "malformed municipality code"), (4, "region code not in the CBS code list"),
        (5, "period lies in the future")]
    assert all(p.column and p.expected for p in probs)


def test_annual_total_dated_january_is_named():
    df = read(FIXTURES / "bad" / "jj00_as_january.csv")
    probs = problems_in(df, "jj00_as_january.csv")
    assert len(probs) == 1
    text = str(probs[0])
    assert "line 3" in text and "column 'measure'" in text and "annual (JJ00) total dated January" in text


def test_rate_without_its_population_year_is_named():
    probs = dataset_problems(datafolder.load(FIXTURES / "bad" / "missing_population_year"))
    assert len(probs) == 1
    text = str(probs[0])
    assert "indicators.csv, line 2, column 'denominator'" in text
    assert "rate GM0034_T01 has no denominator" in text and "'woningen' for GM0034 in 2019" in text


def test_cli_validate_folder(capsys):
    assert cli.main(["validate", str(FIXTURES / "bad" / "missing_population_year")]) == 1
    assert "has no denominator" in capsys.readouterr().err
    assert cli.main(["validate", str(paths.DATA_DIR)]) == 0


def test_balances_may_be_negative_counts_may_not(realdata):
    """83474NED (real) holds population growth and corrections in 'aantal', negative in some months."""
    df = read(realdata / "bernasco_staat_van_de_misdaad" / "first_commit_14f99b5" / "data.csv")
    assert (df["value"] < 0).any()
    assert [p for p in problems_in(df, "data.csv") if p.message == "negative count"] == []
    counts = df.assign(measure="woninginbraak", measure_label="Woninginbraken").drop_duplicates(["region_code", "period"])
    assert any(p.message == "negative count" for p in problems_in(counts.assign(value=-1.0), "x.csv"))
