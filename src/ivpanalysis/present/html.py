"""HTML building blocks of the report: escaped text, tables in the house style, the library's Dutch
markdown, figures as embedded PNGs with alt text and a caption.

Presentation only: knows nothing of reports, contexts or data folders. Every piece of text from
data is escaped here, so a municipality or category name can never inject markup.
"""
from __future__ import annotations

import base64
import html
import io
import math
import re

import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

#: the house style for tables (inline: no CDN); the publication template repeats it for print
STYLE = """<style>
.ivp-report table {border-collapse: collapse; margin: 0.5em 0 1em 0; font-size: 0.9em;}
.ivp-report caption {caption-side: top; text-align: left; font-weight: bold; padding: 0.3em 0;}
.ivp-report th, .ivp-report td, .jp-RenderedHTMLCommon .ivp-report th, .jp-RenderedHTMLCommon .ivp-report td
  {border-bottom: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top;}
.ivp-report thead th {border-bottom: 2px solid #222;}
.ivp-report td.num, .ivp-report th.num, .jp-RenderedHTMLCommon .ivp-report td.num,
  .jp-RenderedHTMLCommon .ivp-report th.num {text-align: right; font-variant-numeric: tabular-nums;}
.ivp-report tr.group th {font-weight: bold; background: #f2f2f2; text-align: left;}
.ivp-report p.missing {font-style: italic;}
.ivp-report img {max-width: 100%; height: auto;}
.ivp-report figcaption {font-size: 0.9em; color: #333;}
</style>"""


def esc(text) -> str:
    """HTML-escaped text ('' for missing)."""
    return "" if text is None or (isinstance(text, float) and math.isnan(text)) else html.escape(str(text))


def wrap(body: str) -> HTML:
    """``body`` inside the report's styled block."""
    return HTML(f'<div class="ivp-report">{body}</div>')


def html_table(df: pd.DataFrame, numeric: set[str] | frozenset = frozenset(), group_col: str | None = None,
               caption: str | None = None) -> str:
    """An HTML table of already formatted cells; every header and cell is escaped.

    ``group_col``: a column whose value, when it changes, is shown as a full-width group row
    (and not as a column; a header cell of the rows below it). Column headers carry
    ``scope="col"`` so screen readers announce them with every cell.
    """
    cols = [c for c in df.columns if c != group_col]
    head = "".join(f'<th scope="col" class="num">{esc(c)}</th>' if c in numeric else f'<th scope="col">{esc(c)}</th>'
                   for c in cols)
    rows, group = [], None
    for _, r in df.iterrows():
        if group_col is not None and r[group_col] and r[group_col] != group:
            group = r[group_col]
            rows.append(f'<tr class="group"><th scope="colgroup" colspan="{len(cols)}">{esc(group)}</th></tr>')
        cells = "".join(f'<td class="num">{esc(r[c])}</td>' if c in numeric else f"<td>{esc(r[c])}</td>"
                        for c in cols)
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def markdown_html(text: str) -> str:
    """Escaped HTML of the library's Dutch markdown: ``### `` headings, ``- `` lists, ``**bold**``, paragraphs."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif block.startswith("### "):
            blocks.append(f"<h3>{_inline(block[4:])}</h3>")
        else:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "".join(blocks)


def _inline(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", esc(text))


def sentence(text: str) -> str:
    """``text`` as a whole sentence: capital first letter, one full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def figure_alt(fig: Figure, alt: str) -> str:
    """The alt text of a chart: ``alt`` plus what the chart says in figures.

    Charts of :mod:`ivpanalysis.present.charts` describe their key figures
    (``fig.ivp_description``); other figures lend their axes titles, which carry their counts.
    """
    extra = getattr(fig, "ivp_description", "") or ""
    if not extra and not re.search(r"\d", alt):
        lines = [ln for ax in fig.axes for t in (ax.get_title("left"), ax.get_title()) for ln in t.split("\n")]
        extra = " ".join(sentence(" ".join(ln.split())) for ln in lines if ln.strip())
    return sentence(alt) + (" " + sentence(extra) if extra and extra not in alt else "")


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG at its own dpi: drawn once, written as RGB with quick compression.

    ``savefig`` on a figure with a layout engine draws every artist twice (once without output so the
    engine can measure); a canvas draw runs the engine inside its one draw and gives the same pixels.
    An opaque figure loses nothing without its alpha channel, and zlib level 3 instead of 6 costs a
    few per cent in size for a third less encoding time.
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    image = Image.fromarray(rgba[..., :3] if (rgba[..., 3] == 255).all() else rgba)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=3)
    return buf.getvalue()


def figure_html(fig: Figure, alt: str, caption: str | None = None) -> HTML:
    """A figure as an embedded PNG (``data:`` URI) with alt text and a caption: no file, no network.

    ``caption`` defaults to ``alt`` as a sentence; the publication template numbers it.
    """
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    full = figure_alt(fig, alt)
    cap = sentence(caption or alt)
    return wrap(f'<figure><img src="data:image/png;base64,{data}" alt="{esc(full)}">'
                f"<figcaption>{esc(cap)}</figcaption></figure>")
