"""What every benchmark shares: its command line (``--smoke``, ``--out``) and how its results are saved.

``--smoke`` runs the smallest sizes once, so that the test suite can run
every benchmark on each change (``tests/bench/test_smoke.py``) and a refactor
cannot break one unnoticed; its figures mean nothing. ``--out`` is where the
JSON and Markdown go (default ``bench/results/``, the figures the README
quotes; a smoke run writes elsewhere).
"""
import argparse
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def parser(doc):
    """An argument parser for a benchmark module, with ``--smoke`` and ``--out``."""
    made = argparse.ArgumentParser(description=doc.splitlines()[0])
    made.add_argument("--smoke", action="store_true",
                      help="the smallest sizes, once: checks that the benchmark runs (its figures mean nothing)")
    made.add_argument("--out", type=Path, default=None,
                      help="folder for the JSON and Markdown results (default: bench/results, or a smoke/ "
                      "folder beside it for --smoke)")
    return made


def save(name, result, heading, table, out=None, smoke=False):
    """Write ``<name>.json`` (``result``) and ``<name>.md`` (``heading``, then ``table``) into ``out``; print the table.

    Returns the folder written to.
    """
    folder = Path(out) if out else RESULTS / "smoke" if smoke else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(dict(result, smoke=smoke), indent=2) + "\n")
    (folder / f"{name}.md").write_text(f"{heading}\n\n{table}\n")
    print(table)
    return folder
