"""Dutch reader formatting: thousands point, decimal comma, signed percentages, half away from zero."""
import math

import pandas as pd
import pytest

from ivpanalysis.present import fmt


@pytest.mark.parametrize("x, decimals, expected", [
    (4240, 0, "4.240"), (4549.0, 0, "4.549"), (7.25, 1, "7,3"), (7.2, 1, "7,2"),
    (-2.5, 0, "−3"), (2.5, 0, "3"), (1234567.891, 2, "1.234.567,89"), (0, 0, "0"),
])
def test_number(x, decimals, expected):
    assert fmt.number(x, decimals) == expected


@pytest.mark.parametrize("x, expected", [
    (5, "+5%"), (-17.4, "−17%"), (-16.5, "−17%"), (16.5, "+17%"), (0.4, "0%"), (-0.4, "0%"), (250, "+250%"),
    (1234.4, "+1.234%"),
])
def test_pct(x, expected):
    assert fmt.pct(x) == expected


def test_missing_is_never_zero():
    for na in (None, math.nan, pd.NA, float("nan")):
        assert fmt.number(na) == "–"
        assert fmt.pct(na, na="") == ""


def test_signed_and_share():
    assert fmt.signed(-3.25) == "−3,3"
    assert fmt.signed(2.0) == "+2,0"
    assert fmt.share(21) == "21%"
    assert fmt.pct(7.25, decimals=1, space=True) == "+7,3\u00a0%"
