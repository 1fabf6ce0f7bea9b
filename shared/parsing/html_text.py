"""HTML to plain text that keeps the line structure of the rendered email.

selectolax (lexbor) does the HTML work: a maintained C parser, far faster than
BeautifulSoup and tolerant of the broken markup mail carries. Block boundaries and cells
are marked in the parsed tree before the text is taken, so label/value pairs in separate
cells or divs stay on separate lines instead of running into each other.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_BLOCK, _CELL, _BR = "\x1e", "\x1f", "\x1d"
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_BLOCKS = (
    "p,div,h1,h2,h3,h4,h5,h6,li,ul,ol,blockquote,section,header,footer,article,center,hr,"
    "title,pre,dd,dt,dl,table,tr"
)


def html_to_text(html: str) -> str:
    """Render HTML as text: one line per block or table row, cells tab-separated.

    Args:
        html: The HTML document or fragment.

    Returns:
        The visible text; ``<br>`` is a line break, blank lines inside a block are kept,
        whitespace is folded as a browser would.
    """
    tree = LexborHTMLParser(html)
    tree.strip_tags(["script", "style", "head", "noscript"])
    for node in tree.css("br"):
        node.insert_before(_BR)
    for node in tree.css(_BLOCKS):
        node.insert_before(_BLOCK)
        node.insert_after(_BLOCK)
    for node in tree.css("td,th"):
        node.insert_before(_CELL)
    root = tree.body or tree.root
    raw = root.text(deep=True, separator="") if root is not None else ""
    return _tidy(_WS.sub(" ", raw).replace(_BR, "\n").replace(_CELL, "\t"))


def _tidy(raw: str) -> str:
    out: list[str] = []
    for block in raw.split(_BLOCK):
        lines = [ln.strip() for ln in block.split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        out.extend(lines)
    return "\n".join(out)
