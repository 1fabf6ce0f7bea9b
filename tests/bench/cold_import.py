"""Cold import of every function's ``main`` in a fresh interpreter (median of N runs, ms).

Run: ``python -m tests.bench.cold_import [RUNS]`` (also part of ``make bench``).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import time, sys; t = time.perf_counter(); import main; "
    "print(round((time.perf_counter() - t) * 1000, 1), len(sys.modules))"
)


def cold_import(name: str, runs: int, root: Path = ROOT) -> tuple[float, int]:
    """Median milliseconds to import ``functions/<name>/main.py``, and modules loaded."""
    times, modules = [], 0
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE],
            cwd=root / "functions" / name,
            env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        times.append(float(out[0]))
        modules = int(out[1])
    return statistics.median(times), modules


def main() -> None:
    """Print one line per function and a JSON summary."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    root = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT
    result = {}
    for main_py in sorted((root / "functions").glob("*/main.py")):
        ms, modules = cold_import(main_py.parent.name, runs, root)
        result[main_py.parent.name] = {"ms": ms, "modules": modules}
        print(f"{main_py.parent.name:<16} {ms:7.1f} ms  {modules} modules")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
