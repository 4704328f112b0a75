"""Each export run the way its platform runs it, with the platform's real paths.

The export is unpacked in a temporary root whose folders bubblewrap binds
at ``/autograder`` (Gradescope) or ``/grade`` (PrairieLearn); ``setup.sh``
builds a fresh environment at ``/opt/convkit-venv``; then the platform's
script grades every student of the demo class, as root, each in a fresh
results folder. Student code runs in bubblewrap where the container allows
it, and as an unprivileged user where it does not (``docker_like``: a
``bwrap`` that cannot create namespaces, as under Docker's default seccomp
profile). Every results file must validate against the platform's schema
and give each student what ``grade-class`` gives the same submission.
"""
import io
import json
import shutil
import zipfile

import nbformat
import pytest

from autograder.course.demo_class import CLASS, submissions
from autograder.config import RELEASE_NOTEBOOKS
from autograder.platforms import gradescope, prairielearn
from autograder.sandbox import unprivileged
from autograder.spec.parts import PARTS
from platform_root import PlatformRoot, available
from platform_schemas import assert_valid

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(available()), reason=available() or "-")]

# A honest submission whose first cell also attacks the grader: it looks for the hidden reference and the
# student's metadata wherever the grader could keep them, and writes results files of its own. Its
# conv1d_forward is honest only when every attack failed, so its score says whether one succeeded.
ATTACK = '''
import glob as _glob, json as _json, os as _os
_targets = ["/autograder/source/solutions/reference/vectorized.py", "/autograder/submission_metadata.json",
            "/grade/serverFilesCourse/convkit/solutions/reference/vectorized.py", "/grade/data/data.json",
            *_glob.glob("/tmp/*/solutions/reference/vectorized.py"), *_glob.glob("/proc/*/cwd/solutions/reference/*.py"),
            *_glob.glob("/proc/*/root/autograder/source/solutions/reference/*.py")]
_stolen = []
for _path in _targets:
    try:
        with open(_path) as _file:
            _stolen.append(_file.read(100))
    except OSError:
        pass
_forged = []
for _folder in ("/autograder/results", "/grade/results"):
    try:
        _os.makedirs(_folder, exist_ok=True)
        for _name in ("results.json", "forged.json"):
            with open(_folder + "/" + _name, "w") as _file:
                _file.write(_json.dumps({"score": 1000.0, "gradable": True, "tests": []}))
        _forged.append(_folder)
    except OSError:
        pass
'''


def _files(notebooks):
    return {name: nbformat.writes(notebook).encode() for name, notebook in notebooks.items()}


def _zipped(notebooks):
    """A zip of the folder, one level down, with one notebook renamed by a second download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, data in _files(notebooks).items():
            shown = "02_conv2d (1).ipynb" if name == "02_conv2d.ipynb" else name
            zipped.writestr(f"conv_backprop/{shown}", data)
    return {"conv_backprop.zip": buffer.getvalue()}


def _hostile(notebooks):
    notebooks = {name: nbformat.from_dict(json.loads(nbformat.writes(nb))) for name, nb in notebooks.items()}
    for cell in notebooks["01_conv1d.ipynb"].cells:
        if cell.cell_type == "code" and "def conv1d_forward" in cell.source:
            cell.source = ATTACK + "\n" + cell.source + (
                "\n\nif _stolen or _forged:\n    def conv1d_forward(x, w, b):\n        return None\n")
    return _files(notebooks)


@pytest.fixture(scope="module")
def demo_notebooks():
    return submissions(RELEASE_NOTEBOOKS)


def _set_up(root):
    result = root.run(["bash", f"{root.engine}/setup.sh"])
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert (root.venv / "bin" / "python").exists()


@pytest.fixture(scope="module")
def gradescope_root(tmp_path_factory):
    """Gradescope's container: the zip unpacked in /autograder/source, setup.sh run, run_autograder copied
    to /autograder/run_autograder."""
    folder = tmp_path_factory.mktemp("gradescope")
    root = PlatformRoot(folder, "/autograder", gradescope.ENGINE)
    root.unzip(gradescope.export(folder / "export"), root.engine)
    _set_up(root)
    shutil.copy2(root.path(f"{root.engine}/run_autograder"), root.path("/autograder/run_autograder"))
    return root


@pytest.fixture(scope="module")
def prairielearn_root(tmp_path_factory):
    """PrairieLearn's container: the course's serverFilesCourse/convkit at /grade/serverFilesCourse/convkit,
    the image's set-up (its Dockerfile runs setup.sh) done."""
    folder = tmp_path_factory.mktemp("prairielearn")
    root = PlatformRoot(folder, "/grade", prairielearn.ENGINE)
    _, grader = prairielearn.export(folder / "export")
    shutil.copytree(grader, root.path(root.engine), symlinks=True)
    _set_up(root)
    return root


def _grade(root, platform, files, docker_like=False):
    """Hand ``files`` in, run the platform's script, and return its results (None when there are none)."""
    root.hand_in(platform.SUBMISSION, files)
    results = root.path(platform.RESULTS)
    shutil.rmtree(results.parent, ignore_errors=True)
    if platform is gradescope:
        results.parent.mkdir()   # Gradescope makes the folder; PrairieLearn's grader must
        command = ["/autograder/run_autograder"]
    else:
        command = [f"{platform.ENGINE}/run_grader"]
    root.docker_like = docker_like
    finished = root.run(command, env={"CONVKIT_SEED": "31"})
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(results.read_text()), finished


def _part_scores(platform, document):
    points = "score" if platform is gradescope else "points"
    scores = {key: 0.0 for key in PARTS}
    for test in document["tests"]:
        scores[test["name"].split(" · ")[1]] += test[points]
    return scores


# How each student of the demo class hands in: their notebooks as they are, renamed, or zipped.
HANDED_IN = {"cho": _zipped}


@pytest.mark.parametrize("platform, docker_like", [(gradescope, False), (prairielearn, True)],
                         ids=["gradescope in bubblewrap", "prairielearn as an unprivileged user"])
def test_every_demo_student_gets_the_grade_class_scores(platform, docker_like, request, demo_notebooks,
                                                        graded_demo_class, schemas):
    """Does each demo student's results file validate, say which isolation was used, and give every part the
    score grade-class gives the same submission (cho's handed in as a zip with a renamed notebook)?"""
    root = request.getfixturevalue(f"{platform.__name__.rsplit('.', 1)[1]}_root")
    name = platform.__name__.rsplit(".", 1)[1]
    for student in CLASS:
        files = HANDED_IN.get(student, _files)(demo_notebooks[student])
        document, _ = _grade(root, platform, files, docker_like)
        assert_valid(schemas[name], document)
        expected = graded_demo_class.table[student]
        scores = _part_scores(platform, document)
        for key in PARTS:
            assert scores[key] == pytest.approx(expected[key], abs=0.005), (student, key)
        total = sum(expected.values())
        if platform is gradescope:
            assert document["score"] == pytest.approx(total, abs=0.005)
            summary = document["output"]
        else:
            assert document["score"] == pytest.approx(total / 100, abs=1e-4)
            summary = document["message"]
        isolation = "an unprivileged user" if docker_like else "bubblewrap sandbox"
        assert isolation in summary, summary


@pytest.mark.parametrize("platform, docker_like", [(gradescope, True), (prairielearn, False)],
                         ids=["gradescope as an unprivileged user", "prairielearn in bubblewrap"])
def test_a_hostile_upload_reads_no_reference_and_writes_no_results(platform, docker_like, request, demo_notebooks,
                                                                  schemas):
    """Does an upload that looks for the reference and writes its own results.json find nothing, write
    nothing, and earn what its honest code earns?"""
    name = platform.__name__.rsplit(".", 1)[1]
    root = request.getfixturevalue(f"{name}_root")
    document, _ = _grade(root, platform, _hostile(demo_notebooks["ada"]), docker_like)
    assert_valid(schemas[name], document)
    assert not root.path(platform.RESULTS).with_name("forged.json").exists()
    assert document.get("gradable", True) is True
    assert _part_scores(platform, document) == {key: part.points for key, part in PARTS.items()}, document


@pytest.mark.parametrize("platform", [gradescope, prairielearn], ids=["gradescope", "prairielearn"])
def test_a_damaged_or_empty_upload_gets_a_valid_file(platform, request, schemas):
    """Through the platform's own script, do a damaged notebook and an empty upload each give a valid file?"""
    name = platform.__name__.rsplit(".", 1)[1]
    root = request.getfixturevalue(f"{name}_root")
    for files, words in (({"03_stride_padding.ipynb": b"\x00{not json"}, "not a valid notebook"),
                         ({}, "empty")):
        document, _ = _grade(root, platform, files)
        assert_valid(schemas[name], document)
        text = document["output"] if platform is gradescope else document["message"]
        assert words in text and "\n" not in text, text


def test_the_attack_succeeds_where_nothing_isolates_it(gradescope_root):
    """Run as the grader itself (root, no sandbox), does the attack above find the reference and write
    results files? (So the hostile test can tell isolation from an attack that does nothing.)"""
    script = ATTACK + "\nprint(len(_stolen), len(_forged))\n"
    finished = gradescope_root.run(["/opt/convkit-venv/bin/python", "-c", script])
    stolen, forged = map(int, finished.stdout.split())
    assert stolen >= 1 and forged >= 1, finished.stderr
    assert gradescope_root.path("/autograder/results/forged.json").exists()


# Run with the export's engine in a Docker-like container: three probes of the unprivileged-user isolation.
PROBES = r'''
import json, os, sys
from pathlib import Path
import numpy as np
from autograder.engine.source import load_source
from autograder.sandbox import bubblewrap, unprivileged
from autograder.sandbox.runner import run_calls

hidden = Path("/tmp/hidden")
hidden.mkdir(mode=0o700)
(hidden / "reference.py").write_text("SECRET = 1\n")
BODIES = {
    "who": "    return np.array([os.getuid(), os.getgid(), len(os.getgroups())])\n",
    "reads": "    found = 0\n"
             "    for path in ('/tmp/hidden/reference.py', '/autograder/source/solutions/reference/loops.py',\n"
             "                 *[os.path.join(folder, 'convkit', 'digits.npz') for folder in sys.path]):\n"
             "        try:\n"
             "            open(path).close()\n"
             "            found += 1\n"
             "        except OSError:\n"
             "            pass\n"
             "    return np.array([found])\n",
    "detaches": "    sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'], start_new_session=True)\n"
                "    return np.array([sleeper.pid])\n",
}
found = {"isolation": bubblewrap.isolation()}
bubblewrap.check()
Path("/autograder").chmod(0o700)
for name, body in BODIES.items():
    folder = Path(f"/tmp/{name}")
    folder.mkdir()
    (folder / "student.py").write_text("import os, subprocess, sys\nimport numpy as np\n\ndef probe(x):\n" + body)
    results, _ = run_calls(load_source(folder / "student.py", ["probe"]), {"x": np.zeros(3)},
                           [{"function": "probe", "args": ["x"], "returns": 1}], 10.0)
    found[name] = results[0].arrays["out0"].tolist() if results[0].status == "ok" else results[0].error
pid = found["detaches"][0]
status = Path(f"/proc/{pid}/status")
found["sleeper"] = status.read_text().split("State:")[1].split()[0] if status.exists() else "gone"
print(json.dumps(found))
'''


def test_an_unprivileged_child_is_a_user_of_its_own_that_reads_nothing_of_roots_and_leaves_nothing(
        gradescope_root):
    """Where bubblewrap cannot run, is each child a user of the kit's range in no other group, unable to read
    a root-only folder, the grader's files or the held-out labels, and is a process it detaches killed?"""
    gradescope_root.docker_like = True
    finished = gradescope_root.run(["/opt/convkit-venv/bin/python", "-c", PROBES],
                                   env={"PYTHONPATH": gradescope.ENGINE.as_posix(), "CONVKIT_ISOLATION": "user"})
    assert finished.returncode == 0, finished.stderr[-3000:]
    found = json.loads(finished.stdout)
    assert found["isolation"] == "unprivileged user"
    uid, gid, groups = found["who"]
    assert unprivileged.FIRST_UID <= uid < unprivileged.FIRST_UID + unprivileged.UID_COUNT
    assert gid == uid and groups == 0
    assert found["reads"] == [0]
    assert found["sleeper"] in ("gone", "Z", "X"), found
