"""Signs that a download was cut off: a StatLine CSV without its ``Bron:`` footer, a last line
with fewer fields than the header, a text file that stops in the middle of a line."""
from __future__ import annotations

import warnings

from ivpanalysis.ingest.loaders._common import TextFile


class TruncatedWarning(UserWarning):
    """The file looks cut off: its last value may be incomplete (a cut '271' reads as '27')."""


def signs(tf: TextFile, rows: list[list[str]], fmt: str) -> list[str]:
    """One sentence per sign of truncation, naming file and line (empty when the file looks whole)."""
    f = tf.path.name
    lines = [i for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not lines:
        return []
    last = lines[-1]
    out = []
    if fmt == "statline_csv" and not any(r and r[0].strip().startswith(("Bron:", "Source:")) for r in rows[-5:]):
        out.append(f"{f}, line {last}: the StatLine download has no 'Bron:' footer after its last line, so it may be "
                   f"cut off and the last value incomplete; download it again")
    width = max((len(r) for r in rows[:50]), default=0)
    if fmt != "statline_csv" and 1 < len(rows[last - 1]) < width:
        out.append(f"{f}, line {last}: the last line has {len(rows[last - 1])} fields where the header has {width}: "
                   f"the file may be cut off; download it again")
    elif not tf.text.endswith("\n") and fmt not in ("counts_json",) and not tf.text.rstrip().endswith(("}", "]")):
        out.append(f"{f}, line {last}: the file ends in the middle of a line, so the last value may be cut off")
    return out


def warn(tf: TextFile, rows: list[list[str]], fmt: str) -> list[str]:
    found = signs(tf, rows, fmt)
    for s in found:
        warnings.warn(s, TruncatedWarning, stacklevel=3)
    return found
