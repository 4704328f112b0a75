"""The Jupyter side works for real: JupyterLab serves the notebooks with
nbgrader's extensions loaded."""
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from autograder.config import ROOT

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _output(*command):
    done = subprocess.run([BIN / "jupyter", *command], capture_output=True, text=True)
    return _plain(done.stdout + done.stderr)


def test_nbgrader_lab_and_server_extensions_are_enabled_and_compatible():
    """Do `jupyter labextension list` and `jupyter server extension list` show nbgrader enabled and OK?"""
    lab = _output("labextension", "list")
    assert re.search(r"@jupyter/nbgrader v\S+ enabled\s+OK", lab), lab
    server = _output("server", "extension", "list")
    for extension in ("formgrader", "validate_assignment", "assignment_list"):
        assert re.search(rf"nbgrader\.server_extensions\.{extension}\s+OK", server), server


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_jupyterlab_serves_the_release_notebooks_and_the_nbgrader_extension():
    """Does a real JupyterLab server open 01_conv1d.ipynb and load nbgrader's lab extension?"""
    port, token = _free_port(), "convkit-test"
    server = subprocess.Popen(
        [BIN / "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):  # at most about 60 s for the server to come up
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                time.sleep(0.5)
        status, body = _get(f"{base}/api/contents/assignments/conv_backprop/01_conv1d.ipynb?token={token}")
        notebook = json.loads(body)
        assert status == 200 and notebook["type"] == "notebook" and notebook["content"]["cells"]
        status, body = _get(f"{base}/lab/api/extensions?token={token}")
        extensions = {e["name"]: e for e in json.loads(body)}
        assert extensions["jupyter-nbgrader"]["enabled"] and extensions["jupyter-nbgrader"]["status"] == "ok"
        status, _ = _get(f"{base}/lab/tree/assignments/conv_backprop/01_conv1d.ipynb?token={token}")
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
