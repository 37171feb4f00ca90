"""Turn region labels and keys as files write them into CBS codes, naming what is unknown."""
from __future__ import annotations

import re

from ivpanalysis.ingest import schema
from ivpanalysis.errors import Problem

_CODE = re.compile(r"^(NL|LD|PV|RE|GM|WK|BU|CR|BT)[0-9A-Z]{2,8}$")


def resolve(label: str, *, file, line: int, column: str, problems: list[Problem]) -> tuple[str, str]:
    """(code, name) for a region written as a code ('GM0995 ', 'NL01  ') or a name ('Lelystad').

    Unknown names are recorded in ``problems`` (never guessed) and come back with an empty code.
    """
    raw = str(label).strip()
    if _CODE.match(raw):
        return raw, schema.municipality_name(raw) or ""
    code = schema.code_for_name(raw)
    if code is None and raw.endswith("(municipality)"):  # CBS's English tables: 'Groningen (municipality)'
        code = schema.code_for_name(raw.replace("(municipality)", "(gemeente)")) or schema.code_for_name(raw[:-15])
    if code is None:
        if any(q.line == line and q.found == raw for q in problems[-3:]):
            return "", raw
        problems.append(Problem(str(file), "unknown region name", line, column,
                                expected="a municipality, province, police unit or country name in the CBS code list "
                                         "(data/codes/regions.csv)", found=raw))
        return "", raw
    return code, raw
