"""A municipality as a user types it: a code in any case (``gm0995``) or a name (``Lelystad``, ``bergen (l.)``).

An ambiguous name is refused with its candidates; an unknown one with what was expected.
"""
from __future__ import annotations

import re

from ivpanalysis.ingest import schema

_CODE = re.compile(r"(?i)^\s*gm\d{4}\s*$")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip()).casefold()


def resolve(text: str, data_names: dict[str, str] | None = None) -> str:
    """The CBS code (GMxxxx) of ``text``; ValueError naming the candidates or the expectation otherwise.

    ``data_names`` maps codes to names found in a data folder (municipalities the code list lacks).
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{text!r} is not a municipality (expected a code such as GM0995 or a name such as Lelystad)")
    if _CODE.match(text):
        return text.strip().upper()
    if re.match(r"(?i)^\s*gm", text) and re.search(r"\d", text):
        raise ValueError(f"{text!r} is not a municipality code (expected GM followed by four digits)")
    n = _norm(text)
    r = schema.regions()
    munis = r[r["kind"] == "municipality"]
    names = dict(zip(munis["code"], munis["name"]))
    current = dict(zip(munis["code"], munis["current"] == "yes"))
    for code, name in (data_names or {}).items():
        names.setdefault(code, name)
        current.setdefault(code, True)
    exact = [c for c, name in names.items() if _norm(name) == n]
    loose = exact or [c for c, name in names.items() if _norm(re.sub(r"\s*\(.*\)$", "", name)) == n]
    hits = [c for c in loose if current.get(c)] or loose
    if len(hits) == 1:
        return hits[0]
    if hits:
        listed = ", ".join(f"{names[c]} ({c})" for c in sorted(hits, key=lambda c: names[c]))
        raise ValueError(f"{text!r} is ambiguous: {listed}; give the code")
    alias = schema.code_for_name(text)  # 'Den Haag', "'s-Gravenhage"
    if alias and schema.GM_PATTERN.match(alias):
        return alias
    raise ValueError(f"{text!r} is not a municipality code nor a municipality name in the CBS code list "
                     "(expected a code such as GM0995 or a name such as Lelystad)")
