"""dashboard_text: the default indicators' sentence counts what the table says, in correct Dutch."""
from __future__ import annotations

import pandas as pd

from ivpanalysis.present.dashboard_text import default_sentence


def _table(rows):
    return pd.DataFrame(rows, columns=["chance", "direction"])


def test_one_change_beyond_chance_is_singular():
    s = default_sentence(_table([("yes", "fell"), ("no", "rose"), ("no", "same")]), 2021)
    assert "Sinds 2021 is er 1 meer dan toeval gedaald; de rest veranderde niet meer dan toeval." in s
    assert "3 standaardindicatoren" in s


def test_several_changes_are_plural_and_counted():
    s = default_sentence(_table([("yes", "rose"), ("yes", "rose"), ("yes", "fell"), ("no", "same")]), 2019)
    assert "Sinds 2019 zijn er 2 meer dan toeval gestegen en 1 meer dan toeval gedaald;" in s


def test_all_beyond_chance_has_no_rest_and_none_says_so():
    assert default_sentence(_table([("yes", "rose")]), 2020).endswith("is er 1 meer dan toeval gestegen.")
    assert default_sentence(_table([("no", "same")]), 2020).endswith("Geen ervan veranderde sinds 2020 meer dan toeval.")
