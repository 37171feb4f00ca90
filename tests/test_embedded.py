import json

import pandas as pd
import pytest

from ivpanalysis.ingest import datafolder, schema


def test_default_dataset_has_the_four_seed_municipalities():
    ds = datafolder.load_default()
    assert {"GM0995", "GM0303", "GM0171", "GM0184"} <= set(ds.police["region_code"])
    assert all(isinstance(p, pd.Period) for p in ds.police["period"])
    assert ds.population.empty  # the seeds hold no population counts


def test_fetched_folder_reads_parquet_and_provenance(tmp_path):
    tidy = schema.finish_tidy(pd.DataFrame({
        "region_code": ["GM0995", "GM0995"], "period": ["2019-01", "2019-02"], "measure": ["woninginbraak"] * 2,
        "value": [20.0, float("nan")], "source": ["47013NED"] * 2, "status": ["voorlopig"] * 2, "kind": ["source"] * 2}))
    tidy.to_parquet(tmp_path / "police_figures.parquet")
    (tmp_path / "provenance.json").write_text(json.dumps({"police_figures": {"table": "47013NED"}}))
    ds = datafolder.load(tmp_path)
    assert list(ds.police["period"]) == [pd.Period("2019-01", "M"), pd.Period("2019-02", "M")]
    assert pd.isna(ds.police["value"].iloc[1])  # missing stays missing through the snapshot
    assert ds.provenance == {"police_figures": {"table": "47013NED"}}
    assert ds.survey.empty and ds.indicators.empty


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        datafolder.load(tmp_path / "nope")
