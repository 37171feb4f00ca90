"""politie.nl "Misdaad in kaart" incident lists: one row per incident, ``Postcode,Datum,Soort``.

Read into counts per four-digit postcode (region code ``PC1011``), month and kind of incident;
:func:`to_municipalities` then sums them per municipality with a PC4 → gemeente table.
"""
from __future__ import annotations

import re

import pandas as pd

from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest.loaders._common import TextFile, rows_of

FORMAT = "politie_mik"
_DATE = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")


def sniff(tf: TextFile, rows: list[list[str]]) -> bool:
    h = [c.strip().casefold() for c in rows[0]] if rows else []
    return h[:3] == ["postcode", "datum", "soort"]


def load(tf: TextFile, rows: list[list[str]] | None = None) -> pd.DataFrame:
    rows = rows if rows is not None else rows_of(tf, ",")
    f = tf.path.name
    problems: list[Problem] = []
    recs = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        if len(r) < 3:
            problems.append(Problem(f, f"row has {len(r)} fields", i, expected="Postcode,Datum,Soort"))
            continue
        pc, date, kind = r[0].strip(), r[1].strip(), r[2].strip()
        if not re.match(r"^\d{4}$", pc):
            problems.append(Problem(f, "not a four-digit postcode", i, "Postcode", expected="e.g. 8232", found=pc))
            continue
        m = _DATE.match(date)
        if not m or not 1 <= int(m.group(2)) <= 12:
            problems.append(Problem(f, "unreadable date", i, "Datum", expected="DD-MM-YYYY", found=date))
            continue
        recs.append((pc, int(m.group(3)), int(m.group(2)), int(m.group(1)), kind, i))
        if len(problems) > 200:
            break
    if problems:
        raise DataError(problems)
    inc = pd.DataFrame(recs, columns=["pc4", "year", "month", "day", "soort", "line"])
    dates = pd.to_datetime(dict(year=inc["year"], month=inc["month"], day=inc["day"]), errors="coerce")
    if dates.isna().any():
        bad = inc[dates.isna()].iloc[0]
        raise DataError.at(f, "no such date", line=int(bad["line"]), column="Datum", expected="DD-MM-YYYY, a real day",
                           found=f"{bad['day']:02d}-{bad['month']:02d}-{bad['year']}")
    counts = inc.groupby(["pc4", "year", "month", "soort"], as_index=False).agg(value=("line", "size"), line=("line", "min"))
    df = pd.DataFrame({
        "region_code": "PC" + counts["pc4"], "region_name": counts["pc4"],
        "period": [pd.Period(year=y, month=m, freq="M") for y, m in zip(counts["year"], counts["month"])],
        "measure": counts["soort"].map(lambda s: re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")),
        "measure_label": counts["soort"], "value": counts["value"].astype(float), "unit": "aantal",
        "source": f, "status": "onbekend", "kind": "source", "line": counts["line"],
    })
    return schema.finish_tidy(df, format=FORMAT, source_file=str(tf.path), encoding=tf.encoding, incidents=len(inc),
                              first_date=str(dates.min().date()) if len(inc) else None,
                              last_date=str(dates.max().date()) if len(inc) else None)


def to_municipalities(counts: pd.DataFrame, pc4_map: pd.DataFrame) -> pd.DataFrame:
    """Sum PC4 counts per municipality. ``pc4_map`` has columns ``postcode`` and ``gemeente`` (name).

    An incident list has no row for a month without incidents; within the months the list covers
    (its first to its last month, ``attrs['months']``) that is a count of 0, so every municipality
    of the map gets a row for every covered month and kind, 0 where nothing was listed
    (``attrs['zero_filled']`` counts them). Postcodes missing from the map are kept apart under
    region_code ``""`` and counted in ``attrs['unmapped_incidents']``: nothing is dropped silently.
    """
    m = pc4_map.assign(postcode=pc4_map["postcode"].astype(str).str.zfill(4))
    m = m[m["postcode"].str.match(r"^\d{4}$") & (m["postcode"].astype(int) > 999)]
    code_of = {n: schema.code_for_name(n) for n in m["gemeente"].dropna().unique()}  # once per name
    name = counts["region_name"].map(m.set_index("postcode")["gemeente"])
    code = name.map(code_of)
    out = counts.assign(region_code=code.fillna(""), region_name=name.fillna(""))
    unmapped = out.loc[out["region_code"] == "", "value"].sum()
    agg = (out.groupby(["region_code", "region_name", "period", "measure", "measure_label"], as_index=False)["value"].sum())
    n_listed = len(agg)
    months = pd.period_range(min(counts["period"]), max(counts["period"]), freq="M") if len(counts) else []
    municipalities = {c: n for n, c in code_of.items() if c}
    if len(months) and municipalities:
        kinds = agg[["measure", "measure_label"]].drop_duplicates()
        full = pd.MultiIndex.from_product([sorted(municipalities), months, kinds["measure"]],
                                          names=["region_code", "period", "measure"]).to_frame(index=False)
        full["region_name"] = full["region_code"].map(municipalities)
        full["measure_label"] = full["measure"].map(kinds.set_index("measure")["measure_label"])
        listed = agg[agg["region_code"] != ""]
        full = full.merge(listed[["region_code", "period", "measure", "value"]], how="left",
                          on=["region_code", "period", "measure"])
        full["value"] = full["value"].fillna(0.0)
        agg = pd.concat([full, agg[agg["region_code"] == ""]], ignore_index=True)
    zero_filled = len(agg) - n_listed
    agg = schema.finish_tidy(agg.assign(unit="aantal", source=counts.attrs.get("source_file", ""), status="onbekend", kind="computed"),
                             format="politie_mik_municipality", unmapped_incidents=float(unmapped),
                             zero_filled=int(zero_filled),
                             months=(str(months[0]), str(months[-1])) if len(months) else None)
    return agg
