"""Label/value lookup over text lines, for ``Label: value`` and stacked ``Label\\nvalue``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

_MAX_LABEL = 40


@lru_cache(maxsize=4096)
def _norm(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", label.lower()).strip()


class Labels:
    """Finds values of known labels in a list of lines.

    Args:
        lines: The email body as lines (already stripped of markup).
        aliases: Canonical key → the labels a platform writes for it.
    """

    def __init__(self, lines: Sequence[str], aliases: Mapping[str, Iterable[str]]) -> None:
        self.lines = list(lines)
        self._by_label = {_norm(a): key for key, names in aliases.items() for a in names}
        self.values: dict[str, str] = {}
        self.index: dict[str, int] = {}
        self._scan()

    def key_of(self, line: str) -> tuple[str | None, str | None]:
        """Return ``(key, inline value)`` if the line starts with a known label."""
        head, sep, rest = line.partition(":")
        if sep and len(head) <= _MAX_LABEL:
            key = self._by_label.get(_norm(head))
            if key:
                return key, rest.strip()
        head, _, rest = line.partition("\t")
        if len(head) > _MAX_LABEL:
            return None, None
        key = self._by_label.get(_norm(head))
        return (key, rest.strip() or None) if key else (None, None)

    def _scan(self) -> None:
        for i, line in enumerate(self.lines):
            key, value = self.key_of(line.strip())
            if key is None or key in self.values:
                continue
            if not value and i + 1 < len(self.lines):
                following = self.lines[i + 1].strip()
                if self.key_of(following)[0] is None:
                    value = following
            self.values[key] = value or ""
            self.index[key] = i

    def get(self, key: str) -> str | None:
        """The value for ``key``, or None if the label is absent."""
        return self.values.get(key)

    def block(self, key: str, stop: Callable[[str], bool]) -> str | None:
        """The value for ``key`` with its continuation lines, up to a label or ``stop`` line."""
        if key not in self.index:
            return None
        start = self.index[key]
        _, inline = self.key_of(self.lines[start].strip())
        out = [inline] if inline else []
        for line in self.lines[start + 1 :]:
            stripped = line.strip()
            if stop(stripped) or self.key_of(stripped)[0] is not None:
                break
            out.append(stripped)
        return trim_block(out)


def trim_block(lines: Sequence[str]) -> str | None:
    """Join lines, dropping leading/trailing blank lines and folding runs of blanks."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    text = "\n".join(out).strip()
    return text or None
