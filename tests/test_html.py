"""present.html: escaped tables with header cells and captions, figures with alt text that carries figures."""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from ivpanalysis.present import charts
from ivpanalysis.present.html import esc, figure_alt, figure_html, html_table, markdown_html, sentence


def test_table_has_header_cells_caption_group_headers_and_escapes():
    df = pd.DataFrame({"Groep": ["A", "A"], "Naam": ["<b>x</b>", "y"], "Aantal": ["1.000", "2"]})
    t = html_table(df, {"Aantal"}, group_col="Groep", caption="Twee <rijen>.")
    assert "<caption>Twee &lt;rijen&gt;.</caption>" in t
    assert '<th scope="col">Naam</th>' in t and '<th scope="col" class="num">Aantal</th>' in t
    assert '<th scope="colgroup" colspan="2">A</th>' in t and t.count("colgroup") == 1
    assert "&lt;b&gt;x&lt;/b&gt;" in t and "<b>" not in t


def test_figure_alt_appends_the_charts_own_figures():
    fig, alt = charts.yearly_bars(pd.Series({2018: 4041.0, 2019: 4240.0}), "Lelystad")
    assert alt == "Geregistreerde misdrijven per jaar, Lelystad: 2018: 4.041, 2019: 4.240"
    assert figure_alt(charts.describe(Figure(), "Lelystad: 4.240 misdrijven"), "Grafiek") == (
        "Grafiek. Lelystad: 4.240 misdrijven.")
    bare = Figure()
    bare.add_subplot().set_title("Activiteiten\n166 activiteiten", loc="left")
    assert figure_alt(bare, "Activiteiten in Lelystad") == "Activiteiten in Lelystad. Activiteiten. 166 activiteiten."


def test_figure_html_has_alt_and_caption():
    fig, alt = charts.yearly_bars(pd.Series({2019: 4240.0}), "Lelystad")
    page = figure_html(fig, alt, caption="misdrijven per jaar").data
    assert 'alt="Geregistreerde misdrijven per jaar, Lelystad: 2019: 4.240."' in page
    assert "<figcaption>Misdrijven per jaar.</figcaption>" in page and page.count("data:image/png;base64,") == 1


def test_small_helpers():
    assert esc(float("nan")) == "" and esc("a&b") == "a&amp;b"
    assert sentence("dit is het") == "Dit is het." and sentence("Klaar?") == "Klaar?"
    assert markdown_html("### Kop\n\n- **a**\n- b") == "<h3>Kop</h3><ul><li><strong>a</strong></li><li>b</li></ul>"
