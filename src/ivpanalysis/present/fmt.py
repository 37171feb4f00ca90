"""Dutch number formatting for readers (``4.240``, ``7,2``, ``+5%``, ``−17%``), via babel's nl_NL.

Rounding is half away from zero, as the seed documents round (7,25 → 7,3; −2,5 → −3), not
babel's default half-even. Missing values print as ``na`` (default an en dash), never as 0.
"""
from __future__ import annotations

import decimal
from functools import lru_cache
from numbers import Real

import pandas as pd
from babel.numbers import format_decimal

LOCALE = "nl_NL"
MINUS = "\u2212"  # typographic minus, as in "−17%"
NA = "–"


def _missing(x) -> bool:
    return x is None or bool(pd.isna(x))


def round_half_away(x: Real, decimals: int = 0) -> decimal.Decimal:
    """``x`` rounded half away from zero to ``decimals`` places (uses the shortest repr of floats)."""
    q = decimal.Decimal(1).scaleb(-decimals)
    return decimal.Decimal(repr(float(x))).quantize(q, rounding=decimal.ROUND_HALF_UP)


def _pattern(decimals: int, suffix: str = "", sign: bool = False) -> str:
    body = "#,##0" + ("." + "0" * decimals if decimals else "") + suffix
    return f"+{body};{MINUS}{body}" if sign else f"{body};{MINUS}{body}"


def _format(x, decimals: int, suffix: str, sign: bool, na: str) -> str:
    if _missing(x):
        return na
    return _format_float(float(x), decimals, suffix, sign)


@lru_cache(maxsize=65536)
def _format_float(x: float, decimals: int, suffix: str, sign: bool) -> str:
    """:func:`_format` of a present value, memoised: chart axes format the same tick values many times."""
    d = round_half_away(x, decimals)
    if d == 0:
        d, sign = abs(d), False  # no "+0%" or "−0"
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        text = format_decimal(d, format=_pattern(decimals, "", sign), locale=LOCALE)
    return text + suffix


def number(x, decimals: int = 0, na: str = NA) -> str:
    """A count or value: ``4240`` → ``4.240``, ``7.25`` (1 decimal) → ``7,3``."""
    return _format(x, decimals, "", False, na)


def signed(x, decimals: int = 1, na: str = NA) -> str:
    """A difference with its sign: ``-3.25`` → ``−3,3``."""
    return _format(x, decimals, "", True, na)


def pct(x, decimals: int = 0, sign: bool = True, na: str = NA, space: bool = False) -> str:
    """A percentage given in percent units: ``5`` → ``+5%``, ``-17.4`` → ``−17%``."""
    return _format(x, decimals, "\u00a0%" if space else "%", sign, na)


def share(x, decimals: int = 0, na: str = NA) -> str:
    """A share or level in percent without sign: ``21`` → ``21%``."""
    return _format(x, decimals, "%", False, na)


def date_words(d) -> str:
    """A date in Dutch words: ``2026-12-01`` → ``1 december 2026``."""
    from babel.dates import format_date
    return format_date(pd.Timestamp(d).date(), format="d MMMM y", locale=LOCALE)
