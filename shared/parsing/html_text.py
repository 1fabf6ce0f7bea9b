"""HTML to plain text that keeps the line structure of the rendered email.

selectolax (lexbor), a maintained C parser much faster than BeautifulSoup, parses the
markup. Two things keep its cost linear whatever the input:

* Every tag but ``br`` and the hidden ones (script, style, head) is renamed to a custom
  element (``lh-b`` block, ``lh-c`` cell, ``lh-i`` inline) by regular expression passes
  before parsing. The HTML5 tree builder walks the stack of open elements
  for every block start tag ("has a p element in button scope"), so 100,000 nested
  ``<div>`` cost seconds; formatting, form and ruby tags have quadratic paths of their own
  (adoption agency, select and ruby scopes). Custom elements take the generic path,
  which has none. It also
  keeps text in source order (no table foster-parenting).
* Line and cell boundaries are marked by control characters inserted in the same pass,
  so the text comes out of one ``text()`` call, with no per-node Python work.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from shared.parsing.limits import MAX_HTML_CHARS, MAX_HTML_TAGS

_BLOCK, _CELL, _BR = "\x1e", "\x1f", "\x1d"
_MARKS = re.compile("[\x1d\x1e\x1f]")
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u200b\u200c\u200d\ufeff]+")
_EDGE = re.compile("[ \x1f]+(?=[\n\x1e])|(?<=[\n\x1e])[ \x1f]+")
_BLOCK_RUN = re.compile("\n*\x1e[\n\x1e]*")
_BLOCK_TAGS = (
    "address|article|aside|blockquote|center|details|dialog|dir|div|dl|dd|dt|fieldset|"
    "figcaption|figure|footer|header|hgroup|main|menu|nav|ol|ul|li|p|pre|listing|xmp|"
    "section|summary|search|form|h[1-6]|hr|table|tbody|thead|tfoot|tr|caption|plaintext"
)
_OPEN_BLOCK = re.compile(rf"<(?:{_BLOCK_TAGS})(?=[\s/>])", re.I)
_CLOSE_BLOCK = re.compile(rf"</(?:{_BLOCK_TAGS})(?=[\s/>])", re.I)
_OPEN_CELL = re.compile(r"<(?:td|th)(?=[\s/>])", re.I)
_CLOSE_CELL = re.compile(r"</(?:td|th)(?=[\s/>])", re.I)
_BR_TAG = re.compile(r"<br(?=[\s/>])", re.I)
_KEEP = "lh-|(?:br|script|style|head|noscript|template|title|meta|link|base)(?=[\\s/>])"
# <html> and <body> become inline custom elements like any other tag: each repeat of the
# real ones merges its attributes into the one element (repeats x attributes); a tag's
# attributes are bounded too.
_LONG_TAG = re.compile(r"<((?>[a-zA-Z][\w:-]{0,40}))[^<>]{2000,}>?")
_OTHER_OPEN = re.compile(rf"<(?!{_KEEP})[a-zA-Z][^\s/>]{{0,40}}", re.I)
_OTHER_CLOSE = re.compile(rf"</(?!{_KEEP})[a-zA-Z][^\s/>]{{0,40}}", re.I)
_HIDDEN = ("script", "style", "head", "noscript", "template")


def html_to_text(html: str) -> str:
    """Render HTML as text: one line per block or table row, cells tab-separated.

    Args:
        html: The HTML document or fragment (only its first ``MAX_HTML_CHARS`` characters
            and ``MAX_HTML_TAGS`` tags are read).

    Returns:
        The visible text; ``<br>`` is a line break, whitespace is folded as a browser would.
    """
    source = _LONG_TAG.sub(r"<\1>", _MARKS.sub("", _bounded(html)))
    source = _OPEN_BLOCK.sub(_BLOCK + "<lh-b", source)
    source = _CLOSE_BLOCK.sub("</lh-b", source)
    source = _OPEN_CELL.sub(_CELL + "<lh-c", source)
    source = _CLOSE_CELL.sub("</lh-c", source)
    source = _OTHER_CLOSE.sub("</lh-i", source)  # literal replacements: no template to expand
    source = _OTHER_OPEN.sub("<lh-i", source)
    source = _BR_TAG.sub(_BR + "<br", source)
    source = source.replace("</lh-b>", "</lh-b>" + _BLOCK)
    tree = LexborHTMLParser(source)
    tree.strip_tags(list(_HIDDEN))
    root = tree.body or tree.root
    raw = root.text(deep=True, separator="") if root is not None else ""
    return _tidy(_WS.sub(" ", raw).replace(_BR, "\n"))


def _bounded(html: str) -> str:
    """The first ``MAX_HTML_CHARS`` characters holding at most about ``MAX_HTML_TAGS`` tags."""
    source = html[:MAX_HTML_CHARS]
    tags = source.count("<")
    while tags > MAX_HTML_TAGS:
        source = source[: len(source) * MAX_HTML_TAGS // tags]
        tags = source.count("<")
    return source


def _tidy(raw: str) -> str:
    """Lines from marked text: blank lines kept inside a block, never at its edges."""
    text = _EDGE.sub("", raw)
    text = _BLOCK_RUN.sub("\n", text).strip("\n" + _BLOCK + _CELL + " ")
    return text.replace(_CELL, "\t")
