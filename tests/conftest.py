"""Test-wide set-up: where bubblewrap is missing, the tests grade without a
sandbox (the hostile-submission suite then skips itself); CI installs it."""
import os
import socket
import sys
import threading
from pathlib import Path

import pytest

from autograder.sandbox import bubblewrap

ROOT = Path(__file__).resolve().parents[1]
# Importable by name in every test: manifest.py, honest_loops.py (the sample submissions, shared
# with the demo class) and hostile.py, tampering.py (the submissions only the tests use).
sys.path[:0] = [str(ROOT / "samples" / "students"), str(ROOT / "tests" / "students")]

if bubblewrap.bubblewrap() is None:
    os.environ.setdefault("CONVKIT_UNSAFE", "1")


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
