"""Each export run the way its platform runs it, with the platform's real paths.

:class:`autograder.platforms.trial.Trial` unpacks the export in a temporary
root whose folders bubblewrap binds at ``/autograder`` (Gradescope) or
``/grade`` (PrairieLearn), and ``setup.sh`` builds a fresh environment at
``/opt/convkit-venv``; then the platform's script grades every student of
the demo class, as root, each in a fresh results folder. Student code runs
in bubblewrap where the container allows it, and as an unprivileged user
where it does not (``docker_like``: a ``bwrap`` that cannot create
namespaces, as under Docker's default seccomp profile). Every results file
must validate against the platform's schema and give each student what
``grade-class`` gives the same submission.
"""
import io
import json
import zipfile

import nbformat
import pytest

from autograder.course.demo_class import CLASS, submissions
from autograder.config import RELEASE_NOTEBOOKS
from autograder.platforms import gradescope, prairielearn
from autograder.spec.parts import PARTS
from autograder.platforms.trial import VENV, Trial, unavailable
from platform_schemas import assert_valid

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(unavailable()), reason=unavailable() or "-")]

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


@pytest.fixture(scope="module")
def gradescope_trial(tmp_path_factory):
    """Gradescope's container: the zip unpacked in /autograder/source, setup.sh run, run_autograder copied
    to /autograder/run_autograder."""
    return Trial("gradescope", tmp_path_factory.mktemp("gradescope"))


@pytest.fixture(scope="module")
def prairielearn_trial(tmp_path_factory):
    """PrairieLearn's container: the course's serverFilesCourse/convkit at /grade/serverFilesCourse/convkit,
    the image's set-up (its Dockerfile runs setup.sh) done."""
    return Trial("prairielearn", tmp_path_factory.mktemp("prairielearn"))


def _grade(platform_trial, files, docker_like=False, seed=None):
    """Grade ``files`` with the platform's script; the test cases' seed fixed when given."""
    document, _ = platform_trial.grade(files, docker_like=docker_like,
                                       env={"CONVKIT_SEED": str(seed)} if seed is not None else None)
    return document


def _part_scores(platform, document):
    points = "points" if platform is prairielearn else "score"
    scores = {key: 0.0 for key in PARTS}
    for test in document["tests"]:
        scores[test["name"].split(" · ")[1]] += test[points]
    return scores


def _nested(notebooks):
    """The folder itself handed in, one level down."""
    return {f"conv_backprop/{name}": data for name, data in _files(notebooks).items()}


def _mangled(notebooks):
    """Names as a learning platform's bulk download makes them: the student's id and a counter added."""
    return {f"eli_48213_{number}_{name.replace('_', '-')}": data
            for number, (name, data) in enumerate(_files(notebooks).items())}


# How some students of the demo class hand in: their folder one level down, names mangled, a zip.
HANDED_IN = {"cho": _zipped, "dia": _nested, "eli": _mangled}


@pytest.mark.parametrize("platform, docker_like", [(gradescope, False), (prairielearn, True)],
                         ids=["gradescope in bubblewrap", "prairielearn as an unprivileged user"])
def test_every_demo_student_gets_the_grade_class_scores(platform, docker_like, request, demo_notebooks,
                                                        graded_demo_class, schemas):
    """Does each demo student's results file validate, say which isolation was used, and give every part the
    score grade-class gives the same submission (handed in nested, with mangled names, or as a zip)?"""
    name = platform.__name__.rsplit(".", 1)[1]
    platform_trial = request.getfixturevalue(f"{name}_trial")
    for student in CLASS:
        files = HANDED_IN.get(student, _files)(demo_notebooks[student])
        document = _grade(platform_trial, files, docker_like, seed=graded_demo_class.seed)
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
    platform_trial = request.getfixturevalue(f"{name}_trial")
    document = _grade(platform_trial, _hostile(demo_notebooks["ada"]), docker_like)
    assert_valid(schemas[name], document)
    assert not platform_trial.container.path(platform.RESULTS).with_name("forged.json").exists()
    assert document.get("gradable", True) is True
    assert _part_scores(platform, document) == pytest.approx({key: part.points for key, part in PARTS.items()},
                                                            abs=0.005), document


@pytest.mark.parametrize("platform", [gradescope, prairielearn], ids=["gradescope", "prairielearn"])
def test_a_damaged_or_empty_upload_gets_a_valid_file(platform, request, schemas):
    """Through the platform's own script, do a damaged notebook and an empty upload each give a valid file?"""
    name = platform.__name__.rsplit(".", 1)[1]
    platform_trial = request.getfixturevalue(f"{name}_trial")
    for files, words in (({"03_stride_padding.ipynb": b"\x00{not json"}, "not a valid notebook"),
                         ({}, "empty")):
        document = _grade(platform_trial, files)
        assert_valid(schemas[name], document)
        text = document["output"] if platform is gradescope else document["message"]
        assert words in text and "\n" not in text, text


def test_the_attack_succeeds_where_nothing_isolates_it(gradescope_trial):
    """Run as the grader itself (root, no sandbox), does the attack above find the reference and write
    results files? (So the hostile test can tell isolation from an attack that does nothing.)"""
    script = ATTACK + "\nprint(len(_stolen), len(_forged))\n"
    finished = gradescope_trial.container.run([f"{VENV}/bin/python", "-c", script])
    stolen, forged = map(int, finished.stdout.split())
    assert stolen >= 1 and forged >= 1, finished.stderr
    assert gradescope_trial.container.path("/autograder/results/forged.json").exists()


# Run with the export's engine in a Docker-like container: probes of the unprivileged-user isolation, each a
# student function run as the grader runs it, while another part's job folder (another user's) exists beside it.
PROBES = r'''
import json, os, sys, tempfile
from pathlib import Path
import numpy as np
from autograder.engine.source import load_source
from autograder.sandbox import bubblewrap, unprivileged
from autograder.sandbox.runner import run_calls

hidden = Path("/tmp/hidden")
hidden.mkdir(mode=0o700)
(hidden / "reference.py").write_text("SECRET = 1\n")
other = Path(tempfile.mkdtemp(prefix="convkit-"))
neighbour = unprivileged.Account(other, Path(tempfile.mkdtemp()))   # another part's child's folders
neighbour.results_folder(other / "results")
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
    "writes elsewhere": "    written = 0\n"
             "    for folder in [*glob.glob('/tmp/*'), *glob.glob('/tmp/*/*')]:\n"
             "        if os.path.isdir(folder) and not os.path.islink(folder) and os.stat(folder).st_uid != os.getuid() \\\n"
             "                and not folder.startswith('/tmp/writes'):\n"
             "            try:\n"
             "                open(os.path.join(folder, 'planted.json'), 'w').close()\n"
             "                written += 1\n"
             "            except OSError:\n"
             "                pass\n"
             "    return np.array([written])\n",
    "detaches": "    sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'], start_new_session=True)\n"
                "    return np.array([sleeper.pid])\n",
    "fights back": "    code = ('import os, signal\\nos.setsid()\\nwhile True:\\n'\n"
                   "            '    try:\\n        os.kill(-1, signal.SIGSTOP)\\n        os.fork()\\n'\n"
                   "            '    except OSError:\\n        pass\\n')\n"
                   "    subprocess.Popen([sys.executable, '-c', code])\n"
                   "    __import__('time').sleep(1)\n"
                   "    return np.array([os.getuid()])\n",
}
found = {"isolation": bubblewrap.isolation(), "range": list(unprivileged.uid_range())}
bubblewrap.check()
Path("/autograder").chmod(0o700)
for name, body in BODIES.items():
    folder = Path(f"/tmp/{name.replace(' ', '-')}")
    folder.mkdir()
    (folder / "student.py").write_text("import glob, os, subprocess, sys\nimport numpy as np\n\ndef probe(x):\n" + body)
    results, _ = run_calls(load_source(folder / "student.py", ["probe"]), {"x": np.zeros(3)},
                           [{"function": "probe", "args": ["x"], "returns": 1}], 10.0)
    found[name] = results[0].arrays["out0"].tolist() if results[0].status == "ok" else results[0].error
status = Path(f"/proc/{found['detaches'][0]}/status")
found["sleeper"] = status.read_text().split("State:")[1].split()[0] if status.exists() else "gone"
# Every process of every user the children ran as, but the dead: what fought back (stopping every process of its
# user, its own child included, so that call runs out of time) and what was detached must be gone.
found["left running"] = [pid for pid in unprivileged._processes()
                         if set(unprivileged._uids_of(pid)) & unprivileged.USED
                         and "Z" not in Path(f"/proc/{pid}/status").read_text().split("State:")[1][:4]]
found["planted"] = [str(p) for p in Path("/tmp").rglob("planted.json")]
print(json.dumps(found))
'''


def test_an_unprivileged_child_is_a_user_of_its_own_that_reads_nothing_of_roots_and_leaves_nothing(
        gradescope_trial):
    """Where bubblewrap cannot run, is each child a user of the kit's range in no other group, unable to read a
    root-only folder, the grader's files or the held-out labels, or to write into another child's folders, and
    is every process it detaches killed, even one that signals and forks to survive?"""
    gradescope_trial.container.docker_like = True
    finished = gradescope_trial.container.run([f"{VENV}/bin/python", "-c", PROBES],
                                              env={"PYTHONPATH": gradescope.ENGINE.as_posix(),
                                                   "CONVKIT_ISOLATION": "user"}, timeout=300)
    assert finished.returncode == 0, finished.stderr[-3000:]
    found = json.loads(finished.stdout)
    assert found["isolation"] == "unprivileged user"
    for probe in ("who", "reads", "writes elsewhere", "detaches"):
        assert isinstance(found[probe], list), (probe, found[probe])   # the call returned; an error is a string
    uid, gid, groups = found["who"]
    low, high = found["range"]
    assert low <= uid < high and gid == uid and groups == 0
    assert found["reads"] == [0]
    assert found["writes elsewhere"] == [0] and found["planted"] == [], found
    assert found["sleeper"] in ("gone", "Z", "X"), found
    assert found["left running"] == [], found


def test_an_instructor_can_try_an_export_before_uploading_it(tmp_path, capsys, schemas):
    """Does `python -m autograder try-export prairielearn NOTEBOOK --as-docker` print a valid results file for
    the notebook, graded as the platform would, with the isolation it would use?"""
    from autograder.cli import main
    notebook = RELEASE_NOTEBOOKS / "01_conv1d.ipynb"
    assert main(["try-export", "prairielearn", str(notebook), "--as-docker", "--folder", str(tmp_path)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert_valid(schemas["prairielearn"], document)
    assert document["gradable"] is True and document["score"] == pytest.approx(0)
    assert "unprivileged user" in document["message"]


@pytest.mark.parametrize("platform", [gradescope, prairielearn], ids=["gradescope", "prairielearn"])
def test_an_image_whose_set_up_failed_still_gives_a_valid_file(platform, request, schemas):
    """When the grader's environment is missing (setup.sh failed, or an image without it), does the platform's
    script still write a valid results file saying so?"""
    name = platform.__name__.rsplit(".", 1)[1]
    platform_trial = request.getfixturevalue(f"{name}_trial")
    image_python = platform_trial.container.run(["python3", "-c", "import numpy, nbformat"])
    if platform is prairielearn and image_python.returncode == 0:
        pytest.skip("this system's python3 has NumPy and nbformat: run_grader would grade with it")
    upload = _files(submissions(RELEASE_NOTEBOOKS)["ada"])
    document, _ = platform_trial.grade(upload, env={"CONVKIT_VENV": "/nonexistent"})
    assert_valid(schemas[name], document)
    if platform is gradescope:
        assert document["score"] == pytest.approx(0) and "not set up" in document["output"], document
    else:   # the image's own python3 is used: without NumPy and nbformat, the file says to build the image
        assert document["gradable"] is False and "Dockerfile" in document["message"], document
