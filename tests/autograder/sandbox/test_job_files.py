"""Does the grader read and write a child's job folder without following what the student's code put there?

The job folder is the one place student code may write, so a file there may
be a symbolic link to the grader's own files, or a FIFO that blocks whoever
opens it. The grader writes a job afresh and reads results only from
regular files, found without following a link.
"""
import json
import os

import numpy as np
import pytest

from autograder.engine.source import load_source
from autograder.sandbox import bubblewrap
from autograder.sandbox.runner import read_untrusted, run_calls

pytestmark = pytest.mark.skipif(bubblewrap.bubblewrap() is None, reason="needs bubblewrap (Debian package bubblewrap)")
CALLS = [{"function": "probe", "args": ["x"], "returns": 1}]


def _run(tmp_path, code):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "student.py").write_text(code)
    return run_calls(load_source(folder / "student.py", ["probe"]), {"x": np.zeros(3)}, CALLS, 10.0)


def test_a_job_file_replaced_by_a_link_is_not_written_through(tmp_path):
    """When the student's code swaps job.json for a link to a file of the grader's and ends the process, does the
    grader's next attempt leave that file as it was?"""
    victim = tmp_path / "victim.txt"
    victim.write_text("the grader's own file")
    code = (f"import os\n\ndef probe(x):\n    return x\n\n"
            f"os.remove('job.json')\nos.symlink({str(victim)!r}, 'job.json')\nos._exit(3)\n")
    results, problems = _run(tmp_path, code)
    assert victim.read_text() == "the grader's own file"
    assert results[0].status == "ok"   # loaded again, stopped before the statement that ended it
    assert any("ended the Python process" in why for why in problems.values()), problems


@pytest.mark.timeout(60)
def test_a_result_that_is_a_fifo_is_refused_without_blocking(tmp_path):
    """Does a FIFO in place of a call's result make that call a crash, instead of blocking the grader?"""
    code = "import os\n\ndef probe(x):\n    os.mkfifo('results/0.npz')\n    os.mkfifo('results/0.json')\n    os._exit(0)\n"
    results, _ = _run(tmp_path, code)
    assert results[0].status == "crash"


def test_a_result_linked_to_the_graders_files_is_not_read(tmp_path):
    """Does a call's result made a link to a JSON file of the grader's stay unread (its words never shown)?"""
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"status": "error", "error": "THE HIDDEN REFERENCE"}))
    np.savez(tmp_path / "secret.npz")
    code = (f"import os\n\ndef probe(x):\n    os.symlink({str(tmp_path / 'secret.npz')!r}, 'results/0.npz')\n"
            f"    os.symlink({str(secret)!r}, 'results/0.json')\n    os._exit(0)\n")
    results, _ = _run(tmp_path, code)
    assert results[0].status == "crash" and "HIDDEN" not in results[0].error


def test_read_untrusted_refuses_links_fifos_and_linked_folders(tmp_path):
    """Is only a regular file read, and not one reached through a linked folder?"""
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.json").write_text("{}")
    assert read_untrusted(tmp_path / "real" / "a.json") == b"{}"
    os.symlink(tmp_path / "real" / "a.json", tmp_path / "real" / "link.json")
    os.mkfifo(tmp_path / "real" / "fifo.json")
    os.symlink(tmp_path / "real", tmp_path / "linked")
    for path in ("real/link.json", "real/fifo.json", "linked/a.json"):
        with pytest.raises(OSError):
            read_untrusted(tmp_path / path)


def test_a_compressed_result_that_would_fill_the_graders_memory_is_refused(tmp_path):
    """Does a small .npz that unpacks to a GiB make the call a crash, without the grader loading it?"""
    code = ("import json, os, zipfile\nimport numpy as np\n\ndef probe(x):\n"
            "    with zipfile.ZipFile('results/0.npz', 'w', zipfile.ZIP_DEFLATED) as bomb:\n"
            "        with bomb.open('out0.npy', 'w', force_zip64=True) as entry:\n"
            "            np.lib.format.write_array_header_1_0(\n"
            "                entry, {'descr': '|u1', 'fortran_order': False, 'shape': (2 ** 30,)})\n"
            "            for _ in range(1024):\n"
            "                entry.write(bytes(2 ** 20))\n"
            "    with open('results/0.json', 'w') as record:\n"
            "        json.dump({'status': 'ok'}, record)\n"
            "    os._exit(0)\n")
    results, _ = _run(tmp_path, code)
    assert results[0].status == "crash", results[0]
