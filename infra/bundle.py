"""``make bundle``: ``build/<function>/`` = its ``main.py`` + ``shared/`` + ``requirements.txt``.

That folder is what Terraform zips and deploys (functions-framework loads ``main.py`` from
the source root). Run: ``python -m infra.bundle [OUT_DIR]``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache")


def bundle(out: Path) -> list[Path]:
    """Write one bundle per function under ``out``; returns the bundle folders."""
    made = []
    for main in sorted((ROOT / "functions").glob("*/main.py")):
        target = out / main.parent.name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copy2(main, target / "main.py")
        shutil.copytree(ROOT / "shared", target / "shared", ignore=IGNORE)
        shutil.copy2(ROOT / "requirements.txt", target / "requirements.txt")
        made.append(target)
    return made


if __name__ == "__main__":
    folders = bundle(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build")
    print(
        "\n".join(str(f.relative_to(ROOT)) if f.is_relative_to(ROOT) else str(f) for f in folders)
    )
