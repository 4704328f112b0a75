"""Grade a submission: a notebook, a folder of notebooks, or a Python file.

The pipeline: lay out a copy of a folder (or of a renamed notebook) as the
release is (:mod:`autograder.intake`), find the code for each part
(:func:`locate`), grade each part in its own child process
(:func:`check.check_part`, :func:`cnn.check_cnn`), and gather the grade
report of the README's "The student API".
"""
import os
import secrets
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder.config import RELEASE_NOTEBOOKS, limit
from autograder.engine.check import PartResult, check_part
from autograder.engine.cnn import check_cnn
from autograder.engine.source import load_source
from autograder.sandbox import bubblewrap
from autograder.spec.parts import NOTEBOOK_PARTS, PARTS, api_functions



def part_seconds():
    """Seconds for all the calls of one part (``CONVKIT_PART_SECONDS``, see :mod:`autograder.config`)."""
    return limit("CONVKIT_PART_SECONDS")


def cnn_seconds():
    """Seconds to train the tiny CNN (``CONVKIT_CNN_SECONDS``, see :mod:`autograder.config`)."""
    return limit("CONVKIT_CNN_SECONDS")


def locate(path):
    """Which code grades which part: {part key: Source or a reason it is missing}."""
    path = Path(path)
    wanted = api_functions()
    if path.is_dir():
        found = {}
        for notebook, keys in NOTEBOOK_PARTS.items():
            candidate = path / notebook
            for key in keys:
                found[key] = (load_source(candidate, wanted) if candidate.is_file()
                              else f"{notebook} is not in {path.name}/")
        return found
    if not path.is_file():
        raise FileNotFoundError(f"no such file or folder: {path}")
    if path.suffix == ".ipynb" and path.name in NOTEBOOK_PARTS:
        source = load_source(path, wanted)
        keys = NOTEBOOK_PARTS[path.name]
        return {key: source if key in keys else f"not graded: only {path.name} was given" for key in PARTS}
    source = load_source(path, wanted)
    return {key: source for key in PARTS}


def part_seed(seed=None):
    """The seed of the test cases: the one given, or a fresh one."""
    return secrets.randbelow(2 ** 31) if seed in (None, "") else int(seed)


def _grade_part(part, source, seed, part_timeout, cnn_timeout, batch=None):
    if isinstance(source, str):
        return PartResult(part.key, 0.0, part.points, [(part.outputs, source[0].upper() + source[1:] + ".")])
    if part.key != "cnn":
        return check_part(part, source, seed, part_timeout)
    return check_cnn(part, source, cnn_timeout, batch)


def _intake(path, scratch, release):
    """A copy of ``path`` laid out as the release is, in ``scratch``: (what to grade, intake notes).

    A folder is copied and prepared (:func:`autograder.intake.prepare.prepare`); a notebook whose
    name is not a release name is graded as the release notebook it is recognised as, if any.
    """
    from autograder.intake import prepare

    if path.is_dir():
        copy = scratch / path.name
        shutil.copytree(path, copy, symlinks=True)
        return copy, prepare.prepare(copy, release)
    name, notes = prepare.recognise(path, release)
    if name is None:
        return path, notes
    copy = scratch / name
    shutil.copy2(path, copy)
    return copy, notes + prepare.repair_cells(copy, release)


def grade(path, seed=None, part_timeout=None, cnn_timeout=None, parts=None, jobs=None, progress=None,
          tidy=True, release=RELEASE_NOTEBOOKS):
    """Grade ``path``; returns ``(report dict, {part key: PartResult})``.

    ``parts`` limits the grading to some part keys (the others score 0 with
    a note); ``jobs`` is how many parts are graded side by side (default:
    the machine's cores), each in its own child process. ``tidy``: a
    folder, or a notebook not named as released, is first laid out as the
    ``release`` folder is (see :func:`_intake`); the report's ``intake``
    says what was done.
    """
    bubblewrap.check()
    path = Path(path)
    if tidy and (path.is_dir() or path.suffix == ".ipynb" and path.name not in NOTEBOOK_PARTS):
        with tempfile.TemporaryDirectory(prefix="convkit-intake-") as scratch:
            graded, notes = _intake(path, Path(scratch), release)
            report, results = grade(graded, seed, part_timeout, cnn_timeout, parts, jobs, progress, tidy=False)
        report["intake"] = notes
        return report, results
    seed = part_seed(seed)
    part_timeout = part_timeout or part_seconds()
    cnn_timeout = cnn_timeout or cnn_seconds()
    sources = locate(path)
    for key in PARTS:
        if parts is not None and key not in parts and not isinstance(sources[key], str):
            sources[key] = "not graded in this run"
    jobs = jobs or os.cpu_count() or 1

    def run(key):
        if progress:
            progress(key)
        return _grade_part(PARTS[key], sources[key], seed, part_timeout, cnn_timeout)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        # The tiny CNN goes last: it is not trained when the batch layer is
        # missing or unwritten, which only the batch part's check tells.
        futures = {key: pool.submit(run, key) for key in PARTS if key != "cnn"}
        results = {key: future.result() for key, future in futures.items()}
    if progress:
        progress("cnn")
    results["cnn"] = _grade_part(PARTS["cnn"], sources["cnn"], seed, part_timeout, cnn_timeout,
                                 batch=results["batch"])
    results = {key: results[key] for key in PARTS}
    report = {
        "score": round(sum(r.score for r in results.values()), 2),
        "max_score": sum(part.points for part in PARTS.values()),
        "parts": {key: result.as_report() for key, result in results.items()},
        "seed": seed,
    }
    return report, results


def format_table(report, title):
    """The report as a readable table followed by the feedback lines."""
    lines = [f"{title}  (seed {report['seed']})", "", f"{'part':<8}{'score':>8}{'max':>8}"]
    for key, part in report["parts"].items():
        lines.append(f"{key:<8}{part['score']:>8.1f}{part['max_score']:>8.1f}")
    lines.append(f"{'total':<8}{report['score']:>8.1f}{report['max_score']:>8.1f}")
    notes = [(key, line) for key, part in report["parts"].items() for line in part["feedback"]]
    if notes:
        lines += ["", "Feedback:"] + [f"  [{key}] {line}" for key, line in notes]
    if report.get("intake"):
        lines += ["", "Intake (what was handed in, and how it was read):"] + [f"  {n}" for n in report["intake"]]
    return "\n".join(lines)
