"""Every benchmark of ``make bench`` runs: its smoke mode (the smallest sizes, once) finishes and writes its JSON
and Markdown, so that a refactor cannot break a benchmark unnoticed. No timing is asserted here: the figures
are measured by ``make bench`` on an idle machine."""
import json
import subprocess
import sys

import pytest

from autograder.config import ROOT
from autograder.platforms import trial

QUICK = ["reference_speed", "training", "honest_student"]
# These grade a class through real nbgrader (and a Dask cluster): slow, like the other real-component tests.
SLOW = [pytest.param("grading_throughput", marks=pytest.mark.slow),
        pytest.param("cluster_throughput", marks=[pytest.mark.slow, pytest.mark.cluster]),
        # Each export set up in a container made with bubblewrap, as root (autograder.platforms.trial).
        pytest.param("platform_exports", marks=[pytest.mark.slow, pytest.mark.skipif(
            bool(trial.unavailable()), reason=trial.unavailable() or "-")])]


def test_make_bench_runs_every_benchmark_module():
    """Does `make bench` run exactly the benchmark modules this test smoke-runs?"""
    makefile = (ROOT / "Makefile").read_text()
    bench_block = makefile.split("\nbench:", 1)[1].split("\n\n", 1)[0]
    assert sorted(line.split("-m bench.")[1].split()[0] for line in bench_block.splitlines() if "-m bench." in line) \
        == sorted(QUICK + ["grading_throughput", "cluster_throughput", "platform_exports"])


@pytest.mark.parametrize("module", QUICK + SLOW)
def test_the_benchmark_runs_and_writes_its_results(module, tmp_path):
    """Does `python -m bench.<module> --smoke --out DIR` finish and write <module>.json (marked smoke) and
    <module>.md (a table)?"""
    done = subprocess.run([sys.executable, "-m", f"bench.{module}", "--smoke", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / f"{module}.json").read_text())
    assert result["smoke"] is True
    table = (tmp_path / f"{module}.md").read_text()
    assert "|---" in table and len(table.splitlines()) >= 4
