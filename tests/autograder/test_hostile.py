"""Hostile submissions through the command-line grader: whatever the student's
code does, it earns only what its honest parts earn, and nothing outside its
scratch folder changes.

Each case breaks one function of part "2d" (conv2d_backward unless said) and
takes everything else from the honest sample, so the expected grade is exact:
the forward pass keeps its 4.5 points of the part's 15, the hostile
backward's dx, dw and db earn 0, and the other parts are not graded here.
"""
import hashlib
import shutil
import socket
import textwrap
import threading
from pathlib import Path

import pytest

from autograder import sandbox
from autograder.grade import grade

ROOT = Path(__file__).resolve().parents[2]
HONEST = ROOT / "tests" / "students" / "honest_loops.py"
pytestmark = pytest.mark.skipif(sandbox.bubblewrap() is None, reason="bubblewrap is not installed")

HEADER = "import os, sys, socket, threading, subprocess\nimport numpy as np\n" \
         "from honest_loops import conv2d_forward, conv2d_backward as honest_backward\n\n"


def _backward(body):
    return HEADER + "def conv2d_backward(dy, x, w, stride=1, pad=0):\n" + textwrap.indent(textwrap.dedent(body), "    ")


CASES = {
    # name: (code, words the feedback must contain)
    "imports the reference": (_backward("""
        from solutions.vectorized import conv2d_backward as reference
        return reference(dy, x, w, stride, pad)"""), "ModuleNotFoundError"),
    "imports the grader": (_backward("""
        import autograder.misconceptions
        return honest_backward(dy, x, w, stride, pad)"""), "ModuleNotFoundError"),
    "reads the reference file": (_backward(f"""
        exec(open({str(ROOT / 'solutions' / 'loops.py')!r}).read())
        return conv2d_backward(dy, x, w, stride, pad)"""), "FileNotFoundError"),
    "writes into the repository": (_backward(f"""
        open({str(ROOT / 'PWNED')!r}, 'w').write('x')
        return honest_backward(dy, x, w, stride, pad)"""), "Error"),
    "deletes the repository": (_backward(f"""
        import shutil
        shutil.rmtree({str(ROOT / 'solutions')!r})
        return honest_backward(dy, x, w, stride, pad)"""), "FileNotFoundError"),
    "talks to the network": (_backward("""
        socket.create_connection(("127.0.0.1", int(os.environ.get("PROBE_PORT", "9"))), timeout=2).sendall(b"leak")
        return honest_backward(dy, x, w, stride, pad)"""), "Error"),
    "fork storm": (_backward("""
        while True:
            os.fork()"""), ""),
    "thread storm": (_backward("""
        while True:
            threading.Thread(target=lambda: __import__('time').sleep(60)).start()"""), ""),
    "memory exhaustion": (_backward("""
        hog = np.ones(50 * 1024 ** 3 // 8)
        return honest_backward(dy, x, w, stride, pad)"""), "MemoryError"),
    "huge output": (_backward("""
        while True:
            print("spam" * 1000)"""), "did not finish"),
    "huge file": (_backward("""
        with open("big", "wb") as f:
            while True:
                f.write(b"0" * 10 ** 6)"""), "File too large"),
    "raises SystemExit": (_backward("""
        raise SystemExit(0)"""), "SystemExit"),
    "calls os._exit": (_backward("""
        os._exit(0)"""), "ended the Python process"),
    "prints a fake score": (_backward("""
        print('{"score": 100.0, "max_score": 100.0}')
        return np.zeros_like(x), np.zeros_like(w), 0.0"""), "dx is wrong"),
    "patches numpy's comparisons": (HEADER + textwrap.dedent("""
        np.allclose = lambda *args, **kwargs: True
        np.testing.assert_allclose = lambda *args, **kwargs: None
        np.array_equal = lambda *args, **kwargs: True
        def conv2d_backward(dy, x, w, stride=1, pad=0):
            return np.zeros_like(x), np.zeros_like(w), 0.0"""), "dx is wrong"),
    "patches sys.modules": (HEADER + textwrap.dedent("""
        import json
        sys.modules["json"] = None
        sys.modules["numpy"].savez = lambda *args, **kwargs: None
        def conv2d_backward(dy, x, w, stride=1, pad=0):
            return np.zeros_like(x), np.zeros_like(w), 0.0"""), ""),
    "leaves a process behind": (_backward("""
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
        return np.zeros_like(x), np.zeros_like(w), 0.0"""), "dx is wrong"),
}


def _tree_digest(*folders):
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if "__pycache__" in path.parts or ".pytest_cache" in path.parts:
                continue
            digest.update(str(path).encode())
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def listener():
    """A loopback server that records whether anything reached it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    received = []

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
                received.append(connection.recv(100))
            except OSError:
                continue
    stop = threading.Event()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_code_earns_only_its_honest_points(name, tmp_path, listener, monkeypatch):
    """Does the hostile backward earn 0, the honest forward 4.5, and nothing outside the scratch folder change?"""
    port, received = listener
    monkeypatch.setenv("PROBE_PORT", str(port))
    code, words = CASES[name]
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copy(HONEST, folder)
    (folder / "hostile.py").write_text(code)
    guarded = [ROOT / "solutions", ROOT / "autograder", ROOT / "source", folder]
    before = _tree_digest(*guarded)
    report, results = grade(folder / "hostile.py", seed=3, parts=["2d"], part_timeout=5.0)
    part = results["2d"]
    assert part.outputs == {"forward": 1.0, "dx": 0.0, "dw": 0.0, "db": 0.0}, part.feedback
    assert report["score"] == pytest.approx(4.5)
    assert words in " ".join(part.feedback), part.feedback
    assert _tree_digest(*guarded) == before
    assert not (ROOT / "PWNED").exists()
    assert received == []
