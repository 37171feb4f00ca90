"""The activities charts draw the summary's counts and the published stoplight (checked on the plotted data, not pixels)."""
import io
import textwrap

import pandas as pd
import pytest
from matplotlib.figure import Figure

from ivpanalysis.analysis import activities as A
from ivpanalysis.ingest import registers as R
from ivpanalysis.present import fmt
from ivpanalysis.present.activities_plot import PALETTE, alt_text, legend_label, theme_bars
from ivpanalysis.ingest.datafolder import load_default

from .conftest import FIXTURES

OLD = FIXTURES / "registers" / "voortgang_2020-06-30.csv"


def bars_by_theme(fig):
    """{legend label: {tick label: (left, width)}} from the drawn bars."""
    ax = fig.axes[0]
    ticks = {round(t): lab.get_text() for t, lab in zip(ax.get_yticks(), ax.get_yticklabels())}
    out = {}
    for cont in ax.containers:
        out[cont.get_label()] = {ticks[round(p.get_y() + p.get_height() / 2)]: (p.get_x(), p.get_width())
                                 for p in cont.patches}
    return out


def test_stacked_bars_are_the_summary_counts():
    s = A.activities_summary(R.read_register(OLD))
    fig = theme_bars(s)
    assert isinstance(fig, Figure)
    drawn = bars_by_theme(fig)
    bt = s.by_theme.set_index("theme")
    present = [c for c in [*A.COLOURS, A.UNKNOWN] if bt[c].fillna(0).sum() > 0]
    assert list(drawn) == [legend_label(c) for c in present]
    assert A.UNKNOWN in present  # the fixture has one activity without a colour: drawn grey, not dropped
    for theme in bt.index:
        left = 0
        for c in present:
            x, width = drawn[legend_label(c)][textwrap.fill(theme, 45)]
            assert (x, width) == (left, bt.loc[theme, c])
            left += width
        assert left == bt.loc[theme, "activities"]
    ax = fig.axes[0]
    assert [p.get_facecolor() for p in ax.containers[0].patches][0][:3] == \
        tuple(int(PALETTE[present[0]][i:i + 2], 16) / 255 for i in (1, 3, 5))
    assert ax.get_xlabel() == "Aantal activiteiten"
    assert "30 juni 2020" in ax.get_title(loc="left")
    # themes top to bottom in register order
    labels = [t.get_text() for t in sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])]
    assert labels == [textwrap.fill(t, 45) for t in bt.index]
    fig.savefig(io.BytesIO(), format="png")  # renders on the Agg canvas


def test_embedded_register_without_colours_is_grey_and_says_so():
    ds = load_default()
    s = A.activities_summary(R.load_register(ds, "GM0995"))
    fig = theme_bars(s)
    drawn = bars_by_theme(fig)
    assert list(drawn) == [legend_label(A.UNKNOWN)]
    f = pd.read_csv(ds.data_dir / "registers" / "GM0995_activities.csv", dtype=str, keep_default_na=False)
    per_theme = f["theme"].value_counts()
    widths = drawn[legend_label(A.UNKNOWN)]
    assert len(widths) == f["theme"].nunique()
    assert {t: w for t, (_, w) in widths.items()} == {textwrap.fill(t, 45): n for t, n in per_theme.items()}
    assert "niet in de bron" in fig.axes[0].get_title(loc="left")


def test_alt_text_gives_the_drawn_counts():
    s = A.activities_summary(R.read_register(OLD))
    text = alt_text(s, "Voorbeeld")
    assert text.startswith("Activiteiten per thema naar stoplichtkleur, Voorbeeld.")
    for r in s.by_theme.itertuples(index=False):
        d = r._asdict()
        expected = [f"{d[c]} {c}" for c in A.COLOURS if d[c]]
        expected += [f"{d[A.UNKNOWN]} zonder kleur"] if d[A.UNKNOWN] else []
        assert f"{r.theme}: {', '.join(expected)}" in text


def test_alt_text_without_colours():
    ds = load_default()
    s = A.activities_summary(R.load_register(ds, "GM0171"))
    text = alt_text(s)
    assert " groen" not in text and text.count("zonder kleur") == len(s.by_theme)


def test_published_bar_draws_the_published_stoplight_with_text_labels():
    from ivpanalysis.present.activities_plot import published_alt, published_bar, published_label
    ds = load_default()
    s = A.activities_summary(R.load_register(ds, "GM0995"))
    bar = A.published_stoplight(s)
    fig = published_bar(bar, s)
    ax = fig.axes[0]
    drawn = {c.get_label(): (c.patches[0].get_x(), c.patches[0].get_width(), c.patches[0].get_facecolor()[:3])
             for c in ax.containers}
    left = 0
    for status, row in bar.iterrows():
        x, width, face = drawn[published_label(status, row)]
        assert (x, width) == (pytest.approx(left), pytest.approx(row["share"]))
        assert face == tuple(int(PALETTE[status][i:i + 2], 16) / 255 for i in (1, 3, 5))
        left += width
    # every colour is named in text (legend), the wide ones in the bar too: not colour alone
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [published_label(st, row) for st, row in bar.iterrows()]
    assert published_label("groen", bar.loc["groen"]) in [t.get_text() for t in ax.texts]
    assert fmt.number(bar.attrs["total"]) in ax.get_title(loc="left")
    alt = published_alt(bar, "Lelystad")
    assert "Lelystad" in alt and f"{fmt.number(bar.attrs['total'])} activiteiten" in alt
    assert f"rood: {fmt.number(bar.loc['rood', 'count'])}" in alt
    fig.savefig(io.BytesIO(), format="png")


def test_palette_is_colour_blind_safe_and_distinct_in_lightness():
    """The three stoplight fills differ in lightness (so they stay apart without hue) and carry black text."""
    def luminance(hexcolour):
        def lin(c):
            c = int(hexcolour[c:c + 2], 16) / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        return 0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5)
    lum = {c: luminance(PALETTE[c]) for c in A.COLOURS}
    assert len({round(v, 2) for v in lum.values()}) == 3
    for c, v in lum.items():
        assert (v + 0.05) / 0.05 >= 4.5, c  # black labels on every fill meet WCAG AA contrast
