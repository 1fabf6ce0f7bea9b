"""Where the golden files live: ``tests/fixtures/emails/<source>/<corpus>-<name>.eml``.

The folder is the source the ``.json`` beside each email expects (``not-a-lead`` for the rest);
the file name starts with the corpus the email came from, so a figure can still be given for
one corpus (``dev``: the synthetic set ``make score-parse`` scores; ``heldout``: written and
labelled before the parser read it). ``CATALOGUE.md`` in that folder describes each corpus.
"""

from __future__ import annotations

from pathlib import Path

EMAILS = Path(__file__).resolve().parent / "fixtures" / "emails"
NOT_A_LEAD = "not-a-lead"
CORPORA = ("dev", "real", "case", "format", "world", "heldout", "correction")


def golden_files(corpus: str = "", source: str = "*") -> list[Path]:
    """The golden emails of one corpus and/or one source folder, ordered by file name.

    Args:
        corpus: one of ``CORPORA``; empty for every corpus.
        source: a source folder (``zillow``, ``not-a-lead``…); ``*`` for every folder.
    """
    if corpus and corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}")
    pattern = f"{source}/{corpus}-*.eml" if corpus else f"{source}/*.eml"
    return sorted(EMAILS.glob(pattern), key=lambda path: path.name)


def corpus_of(path: Path) -> str:
    """The corpus a golden email came from, read from its file name."""
    return path.name.split("-", 1)[0]


def golden(name: str) -> Path:
    """One golden email by its file name without ``.eml``, whatever folder it sits in."""
    [path] = EMAILS.glob(f"*/{name}.eml")
    return path
