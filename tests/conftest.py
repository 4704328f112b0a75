"""Test-wide set-up: where bubblewrap is missing, the tests grade without a
sandbox (the hostile-submission suite then skips itself); CI installs it."""
import os

from autograder import sandbox

if sandbox.bubblewrap() is None:
    os.environ.setdefault("CONVKIT_UNSAFE", "1")
