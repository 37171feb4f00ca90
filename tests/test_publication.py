"""publication: numbered captions, contents, glossary links and sources in words on an exported page."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from ivpanalysis.report.publication import publish

PAGE = """<html lang="nl"><body><main>
<div class="jp-Cell"><div class="ivp-report ivp-title" data-municipality="Lelystad"><h1>Evaluatie integraal
veiligheidsplan Lelystad</h1></div></div>
<div class="jp-Cell"><h2 id="Samenvatting">Samenvatting<a class="anchor-link" href="#Samenvatting">¶</a></h2>
<ul><li>Meer dan toeval gestegen in 2019: Straatroof (+115%).</li><li>De trend daalt; meer dan toeval is het niet.</li></ul></div>
<div class="jp-Cell"><h2 id="Politiecijfers">Politiecijfers</h2>
<table><thead><tr><th>Categorie</th><th>2019</th></tr></thead><tbody><tr><td>Totaal</td><td>4.240</td></tr></tbody></table>
<p>Bron: seed000:politiecijfers.</p>
<figure><img src="data:image/png;base64,AA==" alt="Grafiek van Lelystad: 4.240"><figcaption>Misdrijven per jaar.</figcaption></figure>
<figure><img src="data:image/png;base64,AA==" alt="Tweede"><figcaption>Tweede grafiek.</figcaption></figure>
<table><caption>Eigen onderschrift.</caption><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>
</div></main></body></html>"""


def _soup():
    return BeautifulSoup(publish(PAGE), "html.parser")


def test_figures_and_tables_are_numbered_in_order_with_whole_sentence_captions():
    s = _soup()
    assert [c.get_text(" ", strip=True) for c in s.find_all("figcaption")] == [
        "Figuur 1. Misdrijven per jaar.", "Figuur 2. Tweede grafiek."]
    caps = [c.get_text(" ", strip=True) for c in s.find_all("caption")]
    assert caps[0].startswith("Tabel 1. Geregistreerde misdrijven in Lelystad per categorie") and caps[0].endswith(".")
    assert caps[1] == "Tabel 2. Eigen onderschrift."
    assert s.find("table")["id"] == "tabel-1" and "ivp-short" in s.find("table")["class"]
    assert all(th.get("scope") == "col" for th in s.select("thead th"))


def test_contents_link_every_section_and_the_glossary():
    s = _soup()
    toc = s.select_one("nav.ivp-toc")
    targets = [a["href"][1:] for a in toc.find_all("a")]
    assert targets == ["Samenvatting", "Politiecijfers", "begrippen"]
    assert all(s.find(id=t) is not None for t in targets)
    assert toc.find_previous("div", class_="ivp-title") is not None  # after the title block


def test_terms_link_once_to_the_glossary_which_lists_only_used_terms():
    s = _soup()
    links = {a.get_text(): a["href"] for a in s.select("a.ivp-term")}
    assert links["Meer dan toeval"] == "#begrip-meer-dan-toeval" and links["trend"] == "#begrip-trend"
    assert len(s.select("a[href='#begrip-meer-dan-toeval']")) == 1  # once, though used twice
    terms = [dt.get_text() for dt in s.select("dl.ivp-glossary dt")]
    assert "Meer dan toeval" in terms and "Trend" in terms and "Kloof" not in terms
    assert all(s.find(id=a["href"][1:]) is not None for a in s.select("a.ivp-term"))


def test_no_seed_key_in_visible_text():
    text = _soup().body.get_text(" ")
    assert not re.search(r"seed\d", text)
    assert "Tussenevaluatie 2018 & 2019 integraal veiligheidsplan (IVP 2018-2022), onderdeel ‘politiecijfers’" in text
