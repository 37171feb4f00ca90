"""The exported page made a publication: numbered figures and tables with whole-sentence captions,
a table of contents, the glossary ("Begrippen") with the report's terms linked to it, and sources
in words (no internal ``seed000:`` key in visible text).

Runs on the HTML that :mod:`.export` makes with the ``ivp_publication`` template; pure text in,
text out, so it is tested without a kernel.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString

from ivpanalysis.present import glossary
from ivpanalysis.present.html import sentence
from ivpanalysis.report.sources import SEED_KEY, source_label

#: tables with at most this many body rows and characters are kept on one printed page (a longer
#: one breaks between rows and repeats its header row on every page)
SHORT_TABLE = 30
SHORT_TEXT = 2500
#: default captions of tables without one, by the heading of their section ({name}: the municipality)
TABLE_CAPTIONS = {
    "Politiecijfers": "Geregistreerde misdrijven in {name} per categorie en jaar, met de verandering ten opzichte "
                      "van het jaar ervoor, de vergelijkingsregio en of de verandering meer dan toeval is.",
    "Indicatoren van het veiligheidsplan": "Indicatoren van het veiligheidsplan van {name}: referentiewaarde, doel, "
                                           "stand en oordeel.",
    "Uitvoering van de activiteiten": "Activiteiten uit het uitvoeringsplan van {name}.",
    "Verantwoording": "Bronnen van de cijfers over {name}, met hun status en de datum waarop ze zijn opgehaald.",
}
_LINK_IN = ["p", "li", "figcaption", "td", "dd"]
_SKIP_LINKS = {"a", "h1", "h2", "h3", "h4", "caption", "th", "button", "script", "style", "title", "dt"}


def publish(page: str) -> str:
    """``page`` (the exported report) with sources in words, numbered captions, contents and glossary."""
    soup = BeautifulSoup(page, "html.parser")
    _accessible_outputs(soup)
    _sources_in_words(soup)
    name = _municipality(soup)
    figures = _number_figures(soup)
    tables = _number_tables(soup, name)
    terms = _link_terms(soup)
    main = soup.find("main") or soup.body
    if terms:
        main.append(_glossary(soup, terms))
    _contents(soup, main, figures, tables)
    return str(soup)


def _accessible_outputs(soup) -> None:
    """What nbconvert's HTML exporter adds for accessibility: alt text on every image, and output areas
    reachable by keyboard (wide tables scroll inside them)."""
    for img in soup.select("img:not([alt])"):
        img["alt"] = "Geen beschrijving bij deze afbeelding."
    for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper, .jp-Notebook div.jp-OutputArea-output"):
        elem["tabindex"] = "0"


def _municipality(soup) -> str:
    block = soup.select_one(".ivp-title")
    if block is not None and block.get("data-municipality"):
        return block["data-municipality"]
    h1 = soup.find("h1")
    return h1.get_text(" ", strip=True).replace("Evaluatie integraal veiligheidsplan", "").strip() if h1 else ""


def _sources_in_words(soup) -> None:
    """Every ``seedNNN:section`` key in visible text becomes the document's title and section."""
    for node in list(soup.find_all(string=SEED_KEY)):
        if node.parent is not None and node.parent.name not in ("script", "style"):
            node.replace_with(NavigableString(source_label(str(node))))


def _number_figures(soup) -> int:
    n = 0
    for fig in soup.find_all("figure"):
        n += 1
        fig["id"] = f"figuur-{n}"
        cap = fig.find("figcaption")
        if cap is None:
            img = fig.find("img")
            cap = soup.new_tag("figcaption")
            cap.string = (img.get("alt") if img else "") or "Grafiek."
            fig.append(cap)
        _prefix(soup, cap, f"Figuur {n}.")
    return n


def _number_tables(soup, name: str) -> int:
    n = 0
    for table in soup.find_all("table"):
        n += 1
        table["id"] = f"tabel-{n}"
        cap = table.find("caption")
        if cap is None:
            cap = soup.new_tag("caption")
            table.insert(0, cap)
        cap.string = sentence(cap.get_text(" ", strip=True) or _default_caption(table, name))
        _prefix(soup, cap, f"Tabel {n}.")
        body_rows = len(table.select("tbody tr")) or len(table.find_all("tr"))
        if body_rows <= SHORT_TABLE and len(table.get_text(" ", strip=True)) <= SHORT_TEXT:
            table["class"] = [*table.get("class", []), "ivp-short"]
        _header_scope(table)
    return n


def _default_caption(table, name: str) -> str:
    """The caption of a table without one: by its section's heading, else a sentence naming the section."""
    heading = table.find_previous("h2")
    title = heading.get_text(" ", strip=True).rstrip("¶").strip() if heading else ""
    if title in TABLE_CAPTIONS:
        return TABLE_CAPTIONS[title].format(name=name)
    return f"Tabel bij het onderdeel ‘{title}’ over {name}." if title else f"Tabel over {name}."


def _header_scope(table) -> None:
    for th in table.select("thead th"):
        th.attrs.setdefault("scope", "col")


def _prefix(soup, caption, label: str) -> None:
    span = soup.new_tag("span", attrs={"class": "ivp-number"})
    span.string = label + " "
    caption.insert(0, span)


def _link_terms(soup) -> list[glossary.Term]:
    """Link the first use of each spelling of every glossary term to its entry (in paragraphs, lists,
    figure captions and table cells); returns the terms used anywhere in the text, in glossary order."""
    main = soup.find("main") or soup.body
    used = glossary.used_terms(main.get_text(" "))
    nodes = _linkable_strings(main) if used else []  # one walk of the page, not one per spelling
    for term in used:
        for spelling in term.spellings:  # each way of writing the term links once, at its first use
            pat = glossary.pattern(glossary.Term(term.term, "", (spelling,)))
            for i, node in enumerate(nodes):
                if pat.search(str(node)):
                    nodes[i:i + 1] = _wrap_first(soup, node, pat, term)
                    break
    return used


def _linkable_strings(main) -> list[NavigableString]:
    """The text nodes a term may be linked in, in document order (inside p, li, figcaption, td or dd;
    never in links, headings, captions, headers, the title block, scripts or styles)."""
    out = []
    for node in main.find_all(string=True):
        if type(node) is not NavigableString:  # comments, CDATA, doctype
            continue
        parents = list(node.parents)
        if any(p.name in _SKIP_LINKS or "ivp-title" in (p.get("class") or []) for p in parents):
            continue
        if any(p.name in _LINK_IN for p in parents):
            out.append(node)
    return out


def _wrap_first(soup, node, pat: re.Pattern, term: glossary.Term) -> list[NavigableString]:
    """Wrap the first match of ``pat`` in ``node`` in a link; returns the text left around it (still linkable)."""
    text = str(node)
    m = pat.search(text)
    link = soup.new_tag("a", href=f"#{term.anchor}", attrs={"class": "ivp-term"})
    link.string = m.group(0)
    before, after = NavigableString(text[:m.start()]), NavigableString(text[m.end():])
    node.replace_with(before, link, after)
    return [before, after]


def _glossary(soup, terms: list[glossary.Term]):
    section = soup.new_tag("section", attrs={"class": "ivp-glossary", "aria-labelledby": "begrippen"})
    h2 = soup.new_tag("h2", id="begrippen")
    h2.string = "Begrippen"
    section.append(h2)
    dl = soup.new_tag("dl", attrs={"class": "ivp-glossary"})
    for t in terms:
        dt = soup.new_tag("dt", id=t.anchor)
        dt.string = t.term
        dd = soup.new_tag("dd")
        dd.string = t.explanation
        dl.extend([dt, dd])
    section.append(dl)
    return section


def _contents(soup, main, figures: int, tables: int) -> None:
    """The table of contents (every h2, linked) after the title block."""
    nav = soup.new_tag("nav", attrs={"class": "ivp-toc", "aria-labelledby": "inhoudsopgave"})
    h = soup.new_tag("h2", id="inhoudsopgave")
    h.string = "Inhoud"
    ol = soup.new_tag("ol")
    for i, h2 in enumerate(main.find_all("h2")):
        if not h2.get("id"):
            h2["id"] = f"hoofdstuk-{i + 1}"
        a = soup.new_tag("a", href=f"#{h2['id']}")
        a.string = h2.get_text(" ", strip=True).rstrip("¶").strip()
        li = soup.new_tag("li")
        li.append(a)
        ol.append(li)
    nav.extend([h, ol])
    note = soup.new_tag("p")
    note.string = f"{figures} figuren en {tables} tabellen, genummerd in volgorde van het rapport."
    nav.append(note)
    title = soup.select_one(".ivp-title")
    anchor = title.find_parent(class_="jp-Cell") if title is not None else None
    if anchor is not None:
        anchor.insert_after(nav)
    else:
        main.insert(0, nav)
