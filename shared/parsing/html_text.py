"""HTML to plain text that keeps the line structure of the rendered email.

selectolax (lexbor) does the tag and entity work: it is a maintained C parser, about
ten times faster than BeautifulSoup and tolerant of the broken markup mail carries.
Block boundaries are marked before parsing so that label/value pairs in separate
cells or divs stay on separate lines instead of running into each other.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_BLOCK = "\x1e"
_CELL = "\x1f"
_WS = re.compile(r"[ \t\r\n\f\v]+")
_BR = re.compile(r"<br\s*/?>", re.I)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|blockquote|section|header|footer|"
    r"article|center|hr|title|pre|dd|dt|dl)\b[^>]*>",
    re.I,
)
_TABLE_OPEN = re.compile(r"<table\b[^>]*>", re.I)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.I)
_CELL_OPEN = re.compile(r"<t[dh]\b[^>]*>", re.I)
_ROW_FIRST_CELL = re.compile(r"(<tr\b[^>]*>\s*<t[dh]\b[^>]*>)" + "\x1f", re.I)
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")


def html_to_text(html: str) -> str:
    """Render HTML as text, one block or cell group per line, ``<br>`` as a line break.

    Args:
        html: The HTML document or fragment.

    Returns:
        The visible text with line structure kept and runs of blank lines folded.
    """
    marked = _WS.sub(" ", html)
    marked = _BR.sub("\n", marked)
    marked = _BLOCK_TAG.sub(lambda m: _BLOCK + m.group(0), marked)
    # Text placed between table tags is moved out of the table by HTML parsers, so
    # row and cell marks go inside the cells: a row starts a line, a cell adds a tab.
    marked = _TABLE_OPEN.sub(lambda m: _BLOCK + m.group(0), marked)
    marked = _TABLE_CLOSE.sub(lambda m: m.group(0) + _BLOCK, marked)
    marked = _CELL_OPEN.sub(lambda m: m.group(0) + _CELL, marked)
    marked = _ROW_FIRST_CELL.sub(lambda m: m.group(1) + _BLOCK, marked)
    tree = LexborHTMLParser(marked)
    tree.strip_tags(["script", "style", "head", "noscript"])
    root = tree.body or tree.root
    raw = root.text(deep=True, separator="") if root is not None else ""
    return _tidy(raw)


def _tidy(raw: str) -> str:
    raw = _SPACES.sub(" ", raw).replace(_CELL, "\t")
    out: list[str] = []
    for block in raw.split(_BLOCK):
        lines = [ln.strip() for ln in block.split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        out.extend(lines)
    return "\n".join(out)
