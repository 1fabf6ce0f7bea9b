"""Bounds applied before every expensive parsing step (docs/parsing.md, "bounded cost").

Each bound is far above what real lead mail needs (measured on the fixtures: the largest
lead email is under 200 KB with under 400 text lines of under 1,500 characters) and low
enough that the worst input costs milliseconds. A bound that cuts something is recorded
on the lead (``limits_hit``) and makes it ``doubtful``; it is never an error.
"""

from __future__ import annotations

MAX_RAW_BYTES = 768 * 1024
"""Bytes of an email parsed (the pipeline accepts 5 MB; what lies past 768 KB is attachments
and images, and the email package's cost grows with the line count)."""
MAX_HEADER_CHARS = 2_000
"""A header value (From, Subject, ...) is cut here before it is decoded or matched."""
MAX_PARTS = 64
"""MIME parts read; the rest of the message is not parsed."""
MAX_MULTIPARTS = 12
"""Nested or sibling multipart containers read (real lead mail has at most four)."""
MAX_HTML_CHARS = 320_000
"""HTML rendered to text; the rest is dropped."""
MAX_HTML_TAGS = 12_000
"""Tags rendered (real lead mail has under 3,000): the markup after them is dropped."""
MAX_TEXT_CHARS = 200_000
"""Body text (plain, or rendered from HTML) read by the source parsers."""
MAX_LINES = 3_000
"""Body lines read by the source parsers."""
MAX_LINE_CHARS = 4_000
"""A line longer than this is cut (regular expressions run on bounded lines only)."""
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
"""Every date the parser reads (the Date header, a forwarded block's date, move-in, tour
days) outside these years is ignored: no lead mail is older, and a later date cannot even be
stored as a timestamp once converted to UTC."""
