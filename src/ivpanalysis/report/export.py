"""Executed notebook → one self-contained HTML page without code, in-process (nbconvert).

Figures are already base64 PNGs inside the page. The page is made with the project's own
template (``templates/ivp_publication``: the lab template without require.js, MathJax, mermaid or
widget scripts, in Dutch, with the house style and print CSS) and then made a publication by
:func:`ivpanalysis.report.publication.publish` (contents, numbered captions, glossary, sources in
words). Remote scripts are still stripped as a safety net: the page opens offline without a request.
Error output never reaches a page (a failing notebook yields no report); stderr streams
(warnings) are kept in the notebook but not shown to readers.
"""
from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path

import nbformat

#: the folder of the project's nbconvert templates, and the report's template in it
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "ivp_publication"
#: a report must stay below this size (bytes)
MAX_BYTES = 1_500_000

_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']https?://[^>]*>\s*</script>\s*", re.I)
_INLINE_REMOTE = re.compile(r"<script\b[^>]*>(?:(?!</script>).)*?https?://(?:(?!</script>).)*</script>\s*",
                            re.I | re.S)


@lru_cache(maxsize=1)
def exporter():
    """The HTML exporter (built once per process: loading templates costs time)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class _Exporter(HTMLExporter):
        """nbconvert's HTML exporter without its closing pass through BeautifulSoup (image alt text,
        focusable output areas): :func:`ivpanalysis.report.publication.publish` parses the page anyway
        and does both, so every page is parsed once instead of twice."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get("highlight_code",
                                                                    Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                                           parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return _Exporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                     template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)], language_code="nl")


def _reader_view(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The cells a reader sees (no parameter cells, no stderr), as a new notebook sharing the outputs'
    data with ``nb`` (a deep copy would copy every figure's base64 text node by node)."""
    view = copy.copy(nb)
    view.metadata = copy.deepcopy(nb.metadata)
    view.cells = []
    for c in nb.cells:
        tags = c.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "parameters" in tags:
            continue
        c = copy.copy(c)
        if c.cell_type == "code":
            c.outputs = [o for o in c.get("outputs", []) if not (o.get("output_type") == "stream"
                                                                   and o.get("name") == "stderr")]
        view.cells.append(c)
    return view


def strip_remote_scripts(page: str) -> str:
    """``page`` without script elements that load from (or import from) the network."""
    return _INLINE_REMOTE.sub("", _REMOTE_SCRIPT.sub("", page))


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The reader's HTML page of an executed notebook: no code, no prompts, no remote scripts."""
    nb = _reader_view(nb)
    nb.metadata["title"] = title
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    from ivpanalysis.report.publication import publish
    return publish(strip_remote_scripts(body))


#: a text cell starting with one of these is a formula to Excel/LibreOffice (CSV and xlsx alike)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(df):
    """A copy of ``df`` whose text cells cannot become formulas: ``'`` before ``= + - @``, tab or CR.

    Numeric cells stay numbers (a negative number is a number, not text); headers are treated alike.
    """
    import pandas as pd

    def cell(v):
        return "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
    out = df.copy()
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].map(cell)
    out.columns = [cell(c) for c in out.columns]
    return out
