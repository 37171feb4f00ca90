"""The per-theme bar chart draws the summary's counts (checked on the plotted data, not pixels)."""
import io
import textwrap

import pandas as pd
from matplotlib.figure import Figure

from ivpanalysis.analysis import activities as A
from ivpanalysis.ingest import registers as R
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
