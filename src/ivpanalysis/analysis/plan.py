"""Plan framing: plan start, reference year and target year, and how each target can be judged.

The report's arguments (``--plan-start``, ``--reference-year``, ``--target-year``; notebook
parameters ``plan_start``, ``reference_year``, ``target_year``) set the frame; values on an
``indicators.csv`` row take precedence for that row. The reference year defaults to the report
year − 4. A target is judged *at* its target year when the series has data for that year, and
*by projection* from the last year with data only when the target year is still to come — a year
that has passed is never "projected"; without data for it the target cannot be judged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

import pandas as pd

#: the reference year defaults to this many years before the report year
DEFAULT_REFERENCE_OFFSET = 4

# how a target is judged (codes; Dutch words in present/comparison_text.py)
AT_TARGET_YEAR = "at_target_year"
PROJECTION = "projection"
PASSED_WITHOUT_DATA = "passed_without_data"
NO_TARGET_YEAR = "no_target_year"
NO_DATA = "no_data"

# where a year came from
FROM_ROW, FROM_ARGUMENT, FROM_DEFAULT, ABSENT = "indicators.csv", "argument", "default", "absent"


@dataclass(frozen=True)
class PlanFrame:
    """The report's plan frame, each year with where it came from."""

    report_year: int
    reference_year: int
    plan_start: int | None = None
    target_year: int | None = None
    sources: dict = field(default_factory=dict)  # "plan_start"/"reference_year"/"target_year" → FROM_*

    @property
    def report_after_target(self) -> bool:
        """The report looks back at a plan whose target year has passed."""
        return self.target_year is not None and self.report_year > self.target_year


def _year(value, name: str, row: int | None = None) -> int | None:
    """``value`` as a year, None when empty; a ValueError naming ``name`` (and the indicators.csv line)."""
    if row is not None:
        name = f"{name} on row {row} of indicators.csv"
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    try:
        y = int(str(value).strip().split(".")[0]) if isinstance(value, str) else int(value)
    except ValueError:
        raise ValueError(f"{name} must be a year such as 2019, not {value!r}") from None
    if not 1900 <= y <= 2100 or (not isinstance(value, str) and float(value) != y):
        raise ValueError(f"{name} must be a year such as 2019, not {value!r}")
    return y


def resolve(report_year: int, plan_start=None, reference_year=None, target_year=None) -> PlanFrame:
    """The plan frame from the report's arguments; ValueError naming the argument when they contradict."""
    ry = _year(report_year, "report year")
    if ry is None:
        raise ValueError("the report year is needed to frame the plan")
    start, ref, target = _year(plan_start, "plan_start"), _year(reference_year, "reference_year"), \
        _year(target_year, "target_year")
    sources = {"plan_start": FROM_ARGUMENT if start is not None else ABSENT,
               "reference_year": FROM_ARGUMENT if ref is not None else FROM_DEFAULT,
               "target_year": FROM_ARGUMENT if target is not None else ABSENT}
    if ref is None:
        ref = ry - DEFAULT_REFERENCE_OFFSET
    if ref > ry:
        raise ValueError(f"reference_year {ref} lies after the report year {ry}")
    if start is not None and target is not None and target < start:
        raise ValueError(f"target_year {target} lies before plan_start {start}")
    if start is not None and ref > start:
        raise ValueError(f"reference_year {ref} lies after plan_start {start}: the reference is the situation before the plan")
    return PlanFrame(ry, ref, start, target, sources)


@dataclass(frozen=True)
class Judgement:
    """How one target is judged: the mode, the year whose value counts, and whether the report is late."""

    mode: str  # AT_TARGET_YEAR | PROJECTION | PASSED_WITHOUT_DATA | NO_TARGET_YEAR | NO_DATA
    status_year: int | None  # year of the value shown (the target year, or the last year with data)
    target_year: int | None
    report_after_target: bool
    projection_years: int = 0  # years projected forward from status_year (PROJECTION only)


def judge(target_year: int | None, data_years: Iterable[int], report_year: int) -> Judgement:
    """Judge at the target year when it has data; project forward only into a year still to come."""
    years = sorted({int(y) for y in data_years if int(y) <= report_year})
    last = years[-1] if years else None
    if target_year is None:
        return Judgement(NO_TARGET_YEAR if years else NO_DATA, last, None, False)
    late = report_year > target_year
    if target_year in years:
        return Judgement(AT_TARGET_YEAR, target_year, target_year, late)
    if not years:
        return Judgement(NO_DATA, None, target_year, late)
    if target_year < report_year or target_year <= last:
        before = [y for y in years if y <= target_year]
        return Judgement(PASSED_WITHOUT_DATA, before[-1] if before else None, target_year, late)
    return Judgement(PROJECTION, last, target_year, late, target_year - last)


def resolve_rows(indicators: pd.DataFrame, frame: PlanFrame,
                 years_of: Callable[[pd.Series], Iterable[int]] | None = None) -> pd.DataFrame:
    """``indicators`` with the years each row uses and how its target is judged.

    Adds ``reference_year_used``/``_source``, ``target_year_used``/``_source``, and, with
    ``years_of`` (row → years with data for its series), ``mode``, ``status_year``,
    ``report_after_target`` and ``projection_years``.
    """
    out = indicators.copy()
    refs, ref_src, targets, target_src, judged = [], [], [], [], []
    for i, row in indicators.iterrows():
        ref = _year(row.get("reference_year"), "reference_year", i + 2)
        target = _year(row.get("target_year"), "target_year", i + 2)
        refs.append(ref if ref is not None else frame.reference_year)
        ref_src.append(FROM_ROW if ref is not None else frame.sources.get("reference_year", FROM_DEFAULT))
        targets.append(target if target is not None else frame.target_year)
        target_src.append(FROM_ROW if target is not None else frame.sources.get("target_year", ABSENT))
        if years_of is not None:
            judged.append(judge(targets[-1], years_of(row), frame.report_year))
    out["reference_year_used"], out["reference_year_source"] = refs, ref_src
    out["target_year_used"], out["target_year_source"] = pd.array(targets, dtype="Int64"), target_src
    if years_of is not None:
        out["mode"] = [j.mode for j in judged]
        out["status_year"] = pd.array([j.status_year for j in judged], dtype="Int64")
        out["report_after_target"] = [j.report_after_target for j in judged]
        out["projection_years"] = [j.projection_years for j in judged]
    return out
