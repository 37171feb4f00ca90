"""glossary: the terms the report uses are found in text on word boundaries; anchors are stable ids."""
from __future__ import annotations

from ivpanalysis.present import glossary

#: the fixed list of issue 19 that must link to the glossary wherever the report uses them
REQUIRED = ("trend", "betrouwbaarheidsinterval", "meer dan toeval", "per 1.000")


def test_required_terms_are_in_the_glossary():
    for word in REQUIRED:
        assert glossary.used_terms(f"Hier staat {word} in een zin."), word


def test_terms_match_whole_words_only():
    names = [t.term for t in glossary.used_terms("De trendlijn en de 95%-BI; geen trendmatige woorden.")]
    assert names == ["Trend", "Betrouwbaarheidsinterval"]
    assert glossary.used_terms("Trendmatig en indexeren.") == []


def test_anchors_are_unique_ascii_ids():
    anchors = [t.anchor for t in glossary.TERMS]
    assert len(set(anchors)) == len(anchors)
    assert glossary.TERMS[2].anchor == "begrip-meer-dan-toeval"
