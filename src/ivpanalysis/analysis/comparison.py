"""Compare a municipality with its police unit, province, Nederland and a peer group of similar municipalities.

All aggregates of one data version and year are computed in one vectorised pass
(:func:`compute`); a report then looks its municipality up (:func:`for_municipality`). A unit's
own rows in the police data are used when present (a ``RE``/``PV``/``NL01`` row); otherwise the
unit is the sum of its member municipalities from the ``regions`` role. A member that failed
validation (``failed``) or lacks a count in one of the compared years is left out of the sum, and
the aggregate says so (``incomplete``, ``left_out``) — a partial sum is never passed off as whole.

The peer group is CBS's size class × urbanity class; with fewer than :data:`MIN_PEERS` members the
urbanity classes are widened by one, then the size classes, alternately, until it is large enough
(the rule and the count are returned). Rates are per 1.000 of the denominator that belongs to the
series (:data:`RATE_DENOMINATORS`): inhabitants for every count, dwellings only for burglary,
young people 12–24 only from that exact population measure — never a substitute.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ivpanalysis.analysis import plan, totals
from ivpanalysis.analysis.police import yearly_totals

#: a peer group is widened until it has at least this many members (the municipality included)
MIN_PEERS = 10
NEDERLAND = "NL01"
#: aggregate levels, in the order a report shows them
LEVELS = ("police_unit", "province", "nederland", "peer")
#: denominator (population measure) → the count series it may divide; ``None`` = every series
RATE_DENOMINATORS: dict[str, frozenset | None] = {
    "inwoners": None,
    "woningen": frozenset({"woninginbraak", "woninginbraak_geslaagd", "woninginbraak_poging"}),
    "jongeren_12_24": frozenset(),  # only for series an indicator declares per young people (see rate_allowed)
}
SIZE_RANGE = (1, 8)  # CBS gemeentegrootte classes
URBANITY_RANGE = (1, 5)  # CBS stedelijkheid classes (1 = zeer sterk stedelijk)
_REGION_COLUMNS = ("region_code", "police_unit_code", "province_code", "size_class", "urbanity_class")


def rate_allowed(measure: str, denominator: str, declared: bool = False) -> bool:
    """May ``measure`` be expressed per 1.000 ``denominator``? ``declared``: an indicator asks for it."""
    if denominator not in RATE_DENOMINATORS:
        raise LookupError(f"unknown denominator {denominator!r}; expected one of {', '.join(RATE_DENOMINATORS)}")
    allowed = RATE_DENOMINATORS[denominator]
    return allowed is None or measure in allowed or (declared and denominator == "jongeren_12_24")


# --- peer groups ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeerRule:
    """How a municipality's peer group was formed: the classes it spans, the widening steps, the count."""

    size_classes: tuple[int, ...]
    urbanity_classes: tuple[int, ...]
    widened: tuple[str, ...]  # "urbanity" / "size", in the order applied; () = exact class pair
    n_members: int

    @property
    def code(self) -> str:
        """A stable key such as ``S5U3`` or ``S4-6U2-4``."""
        def span(c):
            return f"{c[0]}" if len(c) == 1 else f"{c[0]}-{c[-1]}"
        return f"S{span(self.size_classes)}U{span(self.urbanity_classes)}"


def _classes(regions: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in _REGION_COLUMNS if c not in regions.columns]
    if missing:
        raise KeyError(f"the regions table lacks column(s) {', '.join(missing)}; expected {', '.join(_REGION_COLUMNS)}")
    out = regions.drop_duplicates("region_code").set_index("region_code")
    size = pd.to_numeric(out["size_class"], errors="coerce")
    urb = pd.to_numeric(out["urbanity_class"], errors="coerce")
    # a class outside CBS's lists is no class: that municipality gets no peer group (never a guessed one)
    return pd.DataFrame({"size": size.where(size.between(*SIZE_RANGE) & (size % 1 == 0)),
                         "urb": urb.where(urb.between(*URBANITY_RANGE) & (urb % 1 == 0))}, index=out.index)


def peer_rules(regions: pd.DataFrame, failed=frozenset(), min_peers: int = MIN_PEERS) -> dict[str, PeerRule]:
    """The peer rule of every municipality with both classes (members exclude ``failed`` ones).

    Computed per class pair (at most 40), so all 342 municipalities cost a few milliseconds.
    """
    cls = _classes(regions)
    ok = cls.dropna()
    usable = ok[~ok.index.isin(set(failed))]
    table = pd.crosstab(usable["size"].astype(int), usable["urb"].astype(int))
    table = table.reindex(index=range(SIZE_RANGE[0], SIZE_RANGE[1] + 1),
                          columns=range(URBANITY_RANGE[0], URBANITY_RANGE[1] + 1), fill_value=0)
    rules: dict[tuple[int, int], PeerRule] = {}
    for s, u in {(int(a), int(b)) for a, b in zip(ok["size"], ok["urb"])}:
        rules[(s, u)] = _widen(table, s, u, min_peers)
    return {code: rules[(int(s), int(u))] for code, s, u in zip(ok.index, ok["size"], ok["urb"])}


def _widen(table: pd.DataFrame, s: int, u: int, min_peers: int) -> PeerRule:
    """Widen urbanity by one class, then size by one, alternately, until ``min_peers`` members."""
    ds = du = 0
    steps: list[str] = []
    while True:
        sizes = tuple(x for x in range(s - ds, s + ds + 1) if SIZE_RANGE[0] <= x <= SIZE_RANGE[1])
        urbs = tuple(x for x in range(u - du, u + du + 1) if URBANITY_RANGE[0] <= x <= URBANITY_RANGE[1])
        n = int(table.loc[list(sizes), list(urbs)].to_numpy().sum())
        full = len(sizes) == SIZE_RANGE[1] - SIZE_RANGE[0] + 1 and len(urbs) == URBANITY_RANGE[1] - URBANITY_RANGE[0] + 1
        if n >= min_peers or full:
            return PeerRule(sizes, urbs, tuple(steps), n)
        if len(steps) % 2 == 0 and len(urbs) < URBANITY_RANGE[1] - URBANITY_RANGE[0] + 1 or \
                len(sizes) == SIZE_RANGE[1] - SIZE_RANGE[0] + 1:
            du += 1
            steps.append("urbanity")
        else:
            ds += 1
            steps.append("size")


# --- membership ----------------------------------------------------------------------------------

def membership(regions: pd.DataFrame, rules: dict[str, PeerRule]) -> pd.DataFrame:
    """Rows (level, unit_code, region_code): which municipalities make up each aggregate."""
    reg = regions.drop_duplicates("region_code")
    parts = [pd.DataFrame({"level": "police_unit", "unit_code": reg["police_unit_code"], "region_code": reg["region_code"]}),
             pd.DataFrame({"level": "province", "unit_code": reg["province_code"], "region_code": reg["region_code"]}),
             pd.DataFrame({"level": "nederland", "unit_code": NEDERLAND, "region_code": reg["region_code"]})]
    cls = _classes(regions)
    for code in sorted({r.code for r in rules.values()}):
        rule = next(r for r in rules.values() if r.code == code)
        inside = cls[cls["size"].isin(rule.size_classes) & cls["urb"].isin(rule.urbanity_classes)].index
        parts.append(pd.DataFrame({"level": "peer", "unit_code": code, "region_code": inside}))
    out = pd.concat(parts, ignore_index=True)
    return out[out["unit_code"].notna() & (out["unit_code"].astype(str) != "")].reset_index(drop=True)


# --- the one pass --------------------------------------------------------------------------------

@dataclass
class Comparisons:
    """Everything :func:`for_municipality` needs, for one data version and report year."""

    year: int
    previous_year: int
    reference_year: int
    municipalities: pd.DataFrame  # index (region_code, measure): counts, changes, rates, peer rank
    aggregates: pd.DataFrame  # index (level, unit_code, measure): the same plus members and what was left out
    rules: dict[str, PeerRule]
    units: pd.DataFrame  # index region_code: police_unit_code, province_code, peer_code
    failed: frozenset = field(default_factory=frozenset)
    not_in_regions: tuple[str, ...] = ()  # police region codes (GM0000 …) that belong to no unit
    counts: pd.DataFrame | None = None  # key-year counts of every region (totals added only where complete)
    categories: pd.DataFrame | None = None
    provisional_years: tuple[int, ...] = ()  # key years with provisional (voorlopig) police figures

    memo: dict = field(default_factory=dict, repr=False)  # per-report look-ups built once (split frames, …)

    def municipality(self, code: str) -> pd.DataFrame:
        """The rows of one municipality (index: measure); split once for all municipalities."""
        if "by_code" not in self.memo:
            self.memo["by_code"] = {c: g.droplevel("region_code") for c, g in self.municipalities.groupby(level="region_code")}
        if code not in self.memo["by_code"]:
            raise LookupError(f"no police counts for {code} in {self.previous_year}–{self.year} or {self.reference_year}")
        return self.memo["by_code"][code]

    def aggregate(self, level: str, unit: str) -> pd.DataFrame | None:
        """The rows of one aggregate (index: measure), None when there is none."""
        if "by_unit" not in self.memo:
            self.memo["by_unit"] = {k: g.droplevel(["level", "unit_code"])
                                    for k, g in self.aggregates.groupby(level=["level", "unit_code"])}
        return self.memo["by_unit"].get((level, unit))

    def aggregate_rows(self, level: str, unit: str) -> dict:
        """:meth:`aggregate` as {measure: {column: value}}, built once per aggregate."""
        memo = self.memo.setdefault("agg_rows", {})
        if (level, unit) not in memo:
            agg = self.aggregate(level, unit)
            memo[(level, unit)] = {} if agg is None else agg.to_dict("index")
        return memo[(level, unit)]

    def total_parts(self) -> dict:
        """:func:`totals.total_parts` of this data's categories, built once."""
        if "total_parts" not in self.memo:
            self.memo["total_parts"] = totals.total_parts(self.categories)
        return self.memo["total_parts"]

    def missing_totals(self, code: str) -> list:
        """The totals ``code`` cannot show in the compared years (:func:`totals.missing_totals`)."""
        if "counts_by_code" not in self.memo:
            self.memo["counts_by_code"] = {c: g for c, g in self.counts.groupby(level="region_code")}
        own = self.memo["counts_by_code"].get(code, self.counts.iloc[:0])
        return totals.missing_totals(own, code, sorted({self.reference_year, self.previous_year, self.year}),
                                     self.categories, parts=self.total_parts())


def _year_frame(values: pd.Series, years: list[int]) -> pd.DataFrame:
    """(region_code, measure, year) series → wide frame with columns ``years`` (missing = NaN)."""
    if values.empty:
        idx = pd.MultiIndex.from_arrays([[], []], names=["region_code", "measure"])
        return pd.DataFrame(index=idx, columns=years, dtype=float)
    wide = values[values.index.get_level_values("year").isin(years)].unstack("year")
    return wide.reindex(columns=years).astype(float)


def _population_values(population: pd.DataFrame) -> pd.Series:
    if population.empty:
        return pd.Series(dtype=float, index=pd.MultiIndex.from_arrays([[], [], []], names=["region_code", "measure", "year"]))
    periods = population["period"]
    df = pd.DataFrame({"region_code": population["region_code"].astype(str), "measure": population["measure"].astype(str),
                       "year": [p.year for p in periods], "value": population["value"].astype(float),
                       # a yearly row first; else the earliest sub-period of the year (population at its start)
                       "annual": [not str(getattr(p, "freqstr", "Y")).startswith("Y") for p in periods],
                       "start": [p.start_time for p in periods]})
    df = df.sort_values(["annual", "start"], kind="stable")
    return df.drop_duplicates(["region_code", "measure", "year"]).set_index(["region_code", "measure", "year"])["value"]


def compute(data, regions: pd.DataFrame, year: int, reference_year: int | None = None, failed=frozenset(),
            min_peers: int = MIN_PEERS) -> Comparisons:
    """Counts, changes and rates of every municipality and every aggregate for ``year`` in one pass.

    ``data``: a :class:`~ivpanalysis.ingest.datafolder.Dataset`; ``regions``: the regions role
    (one row per municipality); ``reference_year`` defaults to ``year − 4``; ``failed``:
    municipality codes that failed validation (left out of every aggregate).
    """
    year = int(year)
    ref = reference_of(year, reference_year)
    years = sorted({ref, year - 1, year})
    failed = frozenset(failed)
    cats = data.categories if data.categories is not None and not data.categories.empty else None
    counts = totals.add_complete_totals(_year_frame(yearly_totals(data.police), years), cats)
    dens = _year_frame(_population_values(data.population), years)
    rules = peer_rules(regions, failed, min_peers)
    members = membership(regions, rules)
    gm = counts[counts.index.get_level_values("region_code").str.startswith("GM")]
    muni = _with_rates(gm, dens, year, ref)
    aggs = _aggregates(counts, dens, members, failed, year, ref)
    units = regions.drop_duplicates("region_code").set_index("region_code")[["police_unit_code", "province_code"]].copy()
    units["peer_code"] = pd.Series({c: r.code for c, r in rules.items()})
    muni = _ranks(muni, members[members["level"] == "peer"], units["peer_code"], failed)
    known = set(regions["region_code"])
    stray = tuple(sorted(c for c in gm.index.get_level_values("region_code").unique() if c not in known))
    status = data.police["status"] if "status" in data.police.columns else pd.Series(dtype=str)
    provisional = {p.year for p in data.police.loc[status == "voorlopig", "period"].unique()} & set(years)
    return Comparisons(year, year - 1, ref, muni, aggs, rules, units, failed, stray, counts, cats,
                       tuple(sorted(provisional)))


def _with_rates(counts: pd.DataFrame, dens: pd.DataFrame, year: int, ref: int) -> pd.DataFrame:
    """Counts of the key years, their % changes, and rates per 1.000 for each allowed denominator."""
    codes = counts.index.get_level_values("region_code")
    return _finish(counts[year], counts[year - 1], counts[ref], lambda kind, y: _lookup(dens, codes, kind, y), year, ref)


def _finish(count: pd.Series, prev: pd.Series, refc: pd.Series, den, year: int, ref: int, num=None) -> pd.DataFrame:
    """The comparison columns from the three key-year counts; ``den(kind, year)`` gives aligned denominators.

    ``num(kind, year)``: the rate's numerators when they differ from the counts (an aggregate whose
    rate can use only the members that have the denominator).
    """
    out = pd.DataFrame({"count": count, "count_prev": prev, "count_ref": refc}, index=count.index).astype(float)
    out["change_prev_pct"] = _pct(out["count_prev"], out["count"])
    out["change_ref_pct"] = _pct(out["count_ref"], out["count"])
    measures = out.index.get_level_values("measure")
    for kind, allowed in RATE_DENOMINATORS.items():
        ok = np.ones(len(out), bool) if allowed is None else np.asarray(measures.isin(list(allowed)))
        for suffix, col, y in (("", "count", year), ("_prev", "count_prev", year - 1), ("_ref", "count_ref", ref)):
            d = np.asarray(den(kind, y), dtype=float)
            n = out[col].to_numpy() if num is None else np.asarray(num(kind, y), dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[f"rate_{kind}{suffix}"] = np.where(ok & (d > 0), 1000.0 * n / d, np.nan)
    out["rate_change_ref_pct"] = _pct(out["rate_inwoners_ref"], out["rate_inwoners"])
    return out


def _lookup(dens: pd.DataFrame, codes: pd.Index, kind: str, y: int) -> np.ndarray:
    """Denominator ``kind`` of each region in ``codes`` for year ``y`` (NaN when absent)."""
    if y not in dens.columns or dens.empty:
        return np.full(len(codes), np.nan)
    idx = pd.MultiIndex.from_arrays([codes, [kind] * len(codes)])
    return dens[y].reindex(idx).to_numpy(float)


def _pct(k1: pd.Series, k2: pd.Series) -> pd.Series:
    """% change; NaN when either is missing or the base is 0 (no percentage of nothing)."""
    k1 = k1.astype(float)
    return (100.0 * (k2 - k1) / k1.where(k1 != 0)).astype(float)


_AGG_KEYS = ["level", "unit_code", "measure"]


def _aggregates(counts: pd.DataFrame, dens: pd.DataFrame, members: pd.DataFrame, failed: frozenset,
                year: int, ref: int) -> pd.DataFrame:
    """Every aggregate × measure: the unit's own row (RE…, PV…, NL01) where the police data have it for
    every key year, else the sum of its members — per measure, so a unit whose table has only a few
    categories (or only some years) still gets the member sums for the others."""
    measures = pd.Index(sorted(counts.index.get_level_values("measure").unique()), name="measure")
    own_codes = set(counts.index.get_level_values("region_code")) - {c for c in members["region_code"]}
    own = members[members["unit_code"].isin(own_codes)][["level", "unit_code"]].drop_duplicates()
    summed = _member_sums(counts, dens, members, measures, failed, year, ref)
    if own.empty:
        return summed.sort_index()
    rows = _own_rows(counts, dens, members, own, year, ref)
    rows = rows[rows[["count", "count_prev", "count_ref"]].notna().all(axis=1)]
    return pd.concat([summed.drop(index=rows.index, errors="ignore"), rows]).sort_index()


def _member_frame(counts: pd.DataFrame, members: pd.DataFrame, measures: pd.Index, years: list[int]) -> pd.DataFrame:
    """Members × measures with each member's key-year counts (NaN where it has none)."""
    mm = members.merge(pd.DataFrame({"measure": measures}), how="cross")
    vals = counts[years].reset_index().rename(columns={y: f"c{y}" for y in years})
    return mm.merge(vals, on=["region_code", "measure"], how="left")


def _member_sums(counts, dens, members, measures, failed, year, ref) -> pd.DataFrame:
    """Sums over the members that did not fail validation and have every key-year count."""
    years = sorted({ref, year - 1, year})
    mm = _member_frame(counts, members, measures, years)
    cols = [f"c{y}" for y in years]
    mm["included"] = ~mm["region_code"].isin(failed) & mm[cols].notna().all(axis=1)
    g = mm.groupby(_AGG_KEYS, sort=True)
    sums = mm[cols].where(mm["included"], np.nan).groupby([mm[k] for k in _AGG_KEYS], sort=True).sum(min_count=1)
    info = pd.DataFrame({"n_members": g.size(), "n_included": g["included"].sum()})
    left = mm[~mm["included"]].groupby(_AGG_KEYS)["region_code"].agg(lambda s: tuple(sorted(s)))
    info["left_out"] = left.reindex(info.index).apply(lambda v: v if isinstance(v, tuple) else ())
    failed_out = mm[~mm["included"] & mm["region_code"].isin(failed)].groupby(_AGG_KEYS)["region_code"].agg(
        lambda s: tuple(sorted(s)))
    info["failed_left_out"] = failed_out.reindex(info.index).apply(lambda v: v if isinstance(v, tuple) else ())
    info["incomplete"] = info["n_included"] < info["n_members"]
    nums, den_sums = _rate_sums(mm, dens, years, sums.index)
    for kind in RATE_DENOMINATORS:
        info[f"rate_left_out_{kind}"] = nums[(kind, "left_out")].reindex(info.index).apply(
            lambda v: v if isinstance(v, tuple) else ())
    out = _finish(sums[f"c{year}"], sums[f"c{year - 1}"], sums[f"c{ref}"], lambda k, y: den_sums[(k, y)], year, ref,
                  num=lambda k, y: nums[(k, y)])
    out["source"] = "sum"
    return out.join(info)


def _rate_sums(mm: pd.DataFrame, dens: pd.DataFrame, years: list[int], index: pd.Index):
    """Numerators and denominators of aggregate rates, per denominator kind and year.

    A rate uses the included members that have the denominator in every key year (so the rates
    of the compared years cover the same municipalities); the others are listed as left out.
    """
    codes = pd.Index(mm["region_code"].to_numpy())
    keys = [mm[k] for k in _AGG_KEYS]
    nums, dens_out = {}, {}
    for kind in RATE_DENOMINATORS:
        d = {y: _lookup(dens, codes, kind, y) for y in years}
        has = np.logical_and.reduce([d[y] > 0 for y in years])
        use = mm["included"].to_numpy() & has
        frame = pd.DataFrame({**{f"n{y}": np.where(use, mm[f"c{y}"], 0.0) for y in years},
                              **{f"d{y}": np.where(use, d[y], 0.0) for y in years}, "use": use})
        agg = frame.groupby(keys, sort=True).sum().reindex(index)
        for y in years:
            ok = agg["use"] > 0
            nums[(kind, y)] = agg[f"n{y}"].where(ok).to_numpy()
            dens_out[(kind, y)] = agg[f"d{y}"].where(ok).to_numpy()
        kinds_present = dens.index.get_level_values("measure") if len(dens) else pd.Index([])
        allowed = RATE_DENOMINATORS[kind]
        lacking = mm["included"].to_numpy() & ~has & (kind in kinds_present)
        if allowed is not None:
            lacking &= mm["measure"].isin(list(allowed)).to_numpy()
        nums[(kind, "left_out")] = mm[lacking].groupby(_AGG_KEYS)["region_code"].agg(lambda s: tuple(sorted(s)))
    return nums, dens_out


def _own_rows(counts, dens, members, own, year, ref) -> pd.DataFrame:
    """Aggregates whose own rows (RE…, PV…, NL01) are in the police data; own population row when present."""
    rows = []
    for level, unit in own.itertuples(index=False):
        c = counts.xs(unit, level="region_code", drop_level=False)
        n = int(((members["level"] == level) & (members["unit_code"] == unit)).sum())
        got = _with_rates(c, dens, year, ref)
        got.index = pd.MultiIndex.from_arrays([[level] * len(got), [unit] * len(got), got.index.get_level_values("measure")],
                                              names=_AGG_KEYS)
        got["source"] = "own_row"
        got["n_members"], got["n_included"], got["incomplete"] = n, n, False
        got["left_out"] = [()] * len(got)
        got["failed_left_out"] = [()] * len(got)
        for kind in RATE_DENOMINATORS:
            got[f"rate_left_out_{kind}"] = [()] * len(got)
        rows.append(got)
    return pd.concat(rows)


def _ranks(muni: pd.DataFrame, peer_members: pd.DataFrame, peer_of: pd.Series, failed: frozenset) -> pd.DataFrame:
    """Rank (1 = lowest rate) of each municipality's rate among its peer group's members, per denominator."""
    pairs = peer_of.dropna().rename("unit_code").rename_axis("region_code").reset_index().merge(
        peer_members[~peer_members["region_code"].isin(failed)].rename(columns={"region_code": "member"})[["unit_code", "member"]],
        on="unit_code")
    out = muni.copy()
    for kind in RATE_DENOMINATORS:
        col = f"rate_{kind}"
        rates = muni[col].dropna()
        if rates.empty:
            out[f"peer_rank_{kind}"] = np.nan
            out[f"peer_n_{kind}"] = np.nan
            out[f"peer_median_{kind}"] = np.nan
            continue
        r = rates.rename("rate").reset_index()
        x = pairs.merge(r, on="region_code").merge(r.rename(columns={"region_code": "member", "rate": "member_rate"}),
                                                   on=["member", "measure"])
        x["below"] = x["member_rate"] < x["rate"]
        g = x.groupby(["region_code", "measure"])
        stats = pd.DataFrame({f"peer_rank_{kind}": g["below"].sum() + 1, f"peer_n_{kind}": g["member_rate"].size(),
                              f"peer_median_{kind}": g["member_rate"].median()})
        out = out.join(stats)
    return out


# --- per municipality ----------------------------------------------------------------------------

def units_of(comps: Comparisons, code: str) -> dict[str, str | None]:
    """The aggregate codes a municipality is compared with: police unit, province, Nederland, peer group."""
    if code not in comps.units.index:
        raise LookupError(f"{code} is not in the regions table (its police unit, province and peer group are unknown)")
    row = comps.units.loc[code]

    def text(v):
        return v if isinstance(v, str) and v else None
    return {"police_unit": text(row["police_unit_code"]), "province": text(row["province_code"]),
            "nederland": NEDERLAND, "peer": text(row["peer_code"])}


def for_municipality(comps: Comparisons, code: str) -> pd.DataFrame:
    """One row per measure: the municipality's columns, then each aggregate's, prefixed by level.

    Columns ``<level>_incomplete`` / ``<level>_left_out`` say when an aggregate left members out.
    """
    own = comps.municipality(code)
    parts = [own]
    for level, unit in units_of(comps, code).items():
        agg = comps.aggregate(level, unit) if unit is not None else None
        if agg is None:
            continue
        parts.append(agg.add_prefix(f"{level}_").reindex(own.index))
    out = pd.concat(parts, axis=1)
    out.attrs.update({"municipality": code, "year": comps.year, "reference_year": comps.reference_year,
                      "units": units_of(comps, code), "peer_rule": comps.rules.get(code)})
    return out


# --- once per data version -----------------------------------------------------------------------

_CACHE: dict[tuple, Comparisons] = {}
_CACHE_SIZE = 8


_VERSIONS: dict[tuple, tuple] = {}


def data_version(data, regions: pd.DataFrame) -> tuple:
    """A key that changes when the folder's tables or the regions frame change (not a cryptographic hash).

    Hashing every police value costs time; it is done once per pair of frame objects (the loaded folder's
    frames are shared by every report of a kernel; the frames are kept so their ids stay theirs).
    """
    ids = (id(data), id(data.police), id(data.population), id(regions))
    hit = _VERSIONS.get(ids)
    if hit is not None and hit[0] is data and hit[1] is data.police and hit[2] is data.population and hit[3] is regions:
        return hit[4]
    if len(_VERSIONS) >= _CACHE_SIZE:
        _VERSIONS.pop(next(iter(_VERSIONS)))
    version = _data_version(data, regions)
    _VERSIONS[ids] = (data, data.police, data.population, regions, version)
    return version


def _data_version(data, regions: pd.DataFrame) -> tuple:
    import json

    prov = json.dumps(getattr(data, "provenance", {}) or {}, sort_keys=True, default=str)
    return (str(getattr(data, "data_dir", "")), hash(prov), len(data.police), len(data.population),
            int(pd.util.hash_pandas_object(data.police["value"], index=False).sum()),
            int(pd.util.hash_pandas_object(regions, index=False).sum()))


def cached_compute(data, regions: pd.DataFrame, year: int, reference_year: int | None = None,
                   failed=frozenset(), min_peers: int = MIN_PEERS) -> Comparisons:
    """:func:`compute`, reused while the data version, year and settings are the same (batch runs, one kernel)."""
    key = _key(data, regions, year, reference_year, failed, min_peers)
    if key not in _CACHE:
        remember(data, regions, compute(data, regions, year, reference_year, failed, min_peers), failed, min_peers)
    return _CACHE[key]


def peek(data, regions: pd.DataFrame, year: int, reference_year: int | None = None, failed=frozenset(),
         min_peers: int = MIN_PEERS) -> Comparisons | None:
    """:func:`cached_compute`'s result when this process already has it, else None (nothing is computed)."""
    return _CACHE.get(_key(data, regions, year, reference_year, failed, min_peers))


def remember(data, regions: pd.DataFrame, comps: Comparisons, failed=frozenset(), min_peers: int = MIN_PEERS) -> None:
    """Keep ``comps`` (computed elsewhere, e.g. by another kernel of a batch) as :func:`cached_compute`'s result."""
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[_key(data, regions, comps.year, comps.reference_year, failed, min_peers)] = comps


def reference_of(year: int, reference_year: int | None) -> int:
    """The reference year a comparison uses: the one given, else the report year − 4 (one cache entry for both)."""
    return int(year) - plan.DEFAULT_REFERENCE_OFFSET if reference_year is None else int(reference_year)


def _key(data, regions, year, reference_year, failed, min_peers) -> tuple:
    return data_version(data, regions), int(year), reference_of(year, reference_year), frozenset(failed), min_peers
