"""The Dutch text of the gap analysis (present.gap_text): sentences, notes, labels and caveats."""
import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ivpanalysis
from ivpanalysis.analysis import gap
from ivpanalysis.analysis.gap_simulation import simulate_units
from ivpanalysis.errors import DataError
from ivpanalysis.present import fmt, gap_text


def _units(n=30, seed=1, margin=True, tau=1.5):
    return simulate_units(n, seed=seed, tau=tau, with_margin=margin).drop(columns="planted")


def test_interpretation_carries_the_caveats():
    res = gap.gap_across(_units(n=20, seed=21))
    over = gap.gap_over_time(pd.DataFrame({"year": [2016, 2019], "crime_count": [4500.0, 4200.0],
                                           "pct_unsafe": [22.0, 21.0]}))
    text = gap_text.interpretation(over_time=over, across=res, focal="E003", name="Lelystad")
    for needle in ("aangiftebereidheid", "waar het is gepleegd", "niets over personen", "2021"):
        assert needle in text
    assert "Lelystad" in text and "E003" in text
    r = res.set_index("unit").loc["E003"]
    assert f"verwacht {fmt.share(r['expected'], 1)}" in text
    with pytest.raises(DataError, match="focal unit 'XX'"):
        gap_text.text_across(res, focal="XX")
    with pytest.raises(ValueError, match="needs a gap_over_time"):
        gap_text.interpretation()


@pytest.mark.parametrize("level,chance", [(0.95, "5%"), (0.8, "20%")])
def test_text_across_states_the_chance_of_its_own_level(level, chance):
    """Simulated units; the sentence on chance flags follows the interval's level."""
    res = gap.gap_across(simulate_units(30, seed=3), level=level)
    text = gap_text.text_across(res)
    assert f"ongeveer {chance} van de eenheden daar bij toeval buiten" in text
    assert fmt.signed(gap.slope_per_10pct(res), 1) in text
    lo, hi = gap.slope_per_10pct_interval(res)
    assert f"{fmt.signed(lo, 1)} tot {fmt.signed(hi, 1)}" in text


def test_every_key_has_its_words():
    assert set(gap_text.QUADRANTS) == set(gap.QUADRANT_KEYS)
    assert set(gap_text.VERDICTS) == set(gap.VERDICT_KEYS)
    res = pd.DataFrame({"unit": ["GM0995"], "unit_name": ["Lelystad"]})
    notes = [{"key": "margin_filled", "units": ["GM0995"], "margin": 2.25}, {"key": "no_margins"},
             {"key": "no_urbanity", "units": ["GM0995"]}, {"key": "not_comparable", "units": ["GM0995"]},
             {"key": "count_for_rate"}, {"key": "margin_assumed", "years": [2016, 2019], "assumed_n": 300},
             {"key": "crime_break"}, {"key": "survey_break"}]
    texts = [gap_text.note_text(n, res) for n in notes]
    assert "Lelystad" in texts[0] and "2,3 punt" in texts[0]  # names, not codes; Dutch decimal comma
    assert "2016, 2019" in texts[5] and "300 respondenten" in texts[5]
    assert all(t.endswith(".") for t in texts) and len(set(texts)) == len(texts)
    with pytest.raises(ValueError, match="unknown gap note"):
        gap_text.note_text({"key": "iets"}, res)


def test_unit_label_drops_the_province_suffix():
    res = pd.DataFrame({"unit": ["PV24", "X"], "unit_name": ["Flevoland (PV)", np.nan]})
    assert gap_text.unit_label(res, "PV24") == "Flevoland" and gap_text.unit_label(res, "X") == "X"


# --- the layer rule: numbers below, words above ------------------------------------------------

ANALYSIS = Path(ivpanalysis.__file__).parent / "analysis"
ERRORS = {"Problem", "DataError", "ValueError", "TypeError", "KeyError", "at"}


def prose_literals(path: Path) -> list[tuple[int, str]]:
    """String literals of three or more words, docstrings and exception messages aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            exempt.add(id(body[0].value))
        func = getattr(node, "func", None)
        if isinstance(node, ast.Raise) or (isinstance(node, ast.Call) and (
                getattr(func, "id", None) in ERRORS or getattr(func, "attr", None) in ERRORS)):
            exempt.update(id(sub) for sub in ast.walk(node))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in exempt
            and sum(any(ch.isalpha() for ch in tok) for tok in n.value.split()) >= 3]


@pytest.mark.parametrize("module", ["gap.py", "gap_simulation.py"])
def test_gap_analysis_holds_no_prose_and_no_formatter(module):
    path = ANALYSIS / module
    assert prose_literals(path) == []
    imports = [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.ImportFrom)]
    assert not any(n.module and n.module.startswith(("ivpanalysis.present", "ivpanalysis.report")) for n in imports)


def test_the_prose_check_can_fail(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('"""Doc string of many words."""\nX = "drie woorden hier"\nraise ValueError("an error message here")\n')
    assert prose_literals(f) == [(2, "drie woorden hier")]


@pytest.mark.parametrize("module", ["gap.py", "gap_simulation.py"])
def test_gap_functions_are_short(module):
    tree = ast.parse((ANALYSIS / module).read_text(encoding="utf-8"))
    long = {n.name: n.end_lineno - n.lineno + 1 for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef) and n.end_lineno - n.lineno + 1 > 60}
    assert long == {}


def test_the_text_says_how_many_flags_chance_gives():
    res = gap.gap_across(simulate_units(100, seed=5).drop(columns="planted"))
    text = gap_text.text_across(res)
    assert "Bij 100 eenheden verwacht je er door toeval ongeveer 5 buiten het 95%-interval" in text
    assert "(meestal tussen 1 en 10)" in text and "minstens één bij toeval buiten valt is 99%" in text
    twelve = gap.gap_across(simulate_units(12, seed=5).drop(columns="planted"))
    assert "Bij 12 eenheden verwacht je er door toeval ongeveer 0,6 buiten" in gap_text.text_across(twelve)


def test_the_focal_unit_gets_its_shrunken_gap_with_interval():
    res = gap.gap_across(_units(n=30, seed=8))
    r = res.set_index("unit").loc["E002"]
    text = gap_text.text_across(res, focal="E002")
    assert (f"naar schatting {fmt.signed(r['gap_shrunk'], 1)} procentpunt (95%-interval "
            f"{fmt.signed(r['gap_shrunk_lower'], 1)} tot {fmt.signed(r['gap_shrunk_upper'], 1)})") in text
    plain = gap_text.text_across(gap.gap_across(_units(n=30, seed=8, margin=False)), focal="E002")
    assert "krimpschatting" not in plain  # no margins: no shrunken gap to report
