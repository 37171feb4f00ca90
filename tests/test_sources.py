"""sources: seed documents by title and section, the plan period and the data status of the title block."""
from __future__ import annotations

from ivpanalysis.report import content, sources


def test_seed_key_becomes_the_documents_title_and_section():
    assert sources.source_label("seed002:wat_willen_wij_bereiken") == (
        "Almere, Actieplan Veiligheid 2019-2022, onderdeel ‘wat willen wij bereiken’")
    assert sources.source_label("CBS 47018NED") == "CBS 47018NED"


def test_plan_period_from_the_plan_documents_title():
    assert sources.plan_period(content.context("GM0995")) == "2018–2022"  # IVP 2018-2022 (seed 000)
    assert sources.plan_period(content.context("GM0034")) == "2019–2022"  # Actieplan Veiligheid 2019-2022


def test_sources_table_names_documents_not_keys():
    table = sources.sources_table(content.context("GM0995"))
    assert not table["Bron"].str.contains("seed0").any()
    assert table["Bron"].str.startswith("Lelystad, Tussenevaluatie").all()


def test_title_block_names_plan_period_date_and_status():
    html = content.title(content.context("GM0995")).data
    for text in ("Planperiode", "2018–2022", "Rapportdatum", "Stand van de gegevens", "onbekend"):
        assert text in html
