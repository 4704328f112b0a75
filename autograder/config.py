"""The kit's settings, each written once: the limits on student code and the course's names.

Limits
------
:data:`LIMITS` is the one table of the limits on student code and on the
grader's time: each limit's environment variable, default, unit and
meaning (and the class report's help threshold). :func:`limit` reads one: the environment variable when it is set,
else the default. ``nbgrader_config.py`` sets them for a course from these
defaults (the environment wins), the command line's help quotes them, and
the README's limits table is this table (a test compares the two).

Course
------
The assignment's name, the repository (which is nbgrader's course root) and
the course folders that nbgrader and the kit's build steps share.

Nothing here imports the rest of the kit: ``nbgrader_config.py`` reads this
module before anything else of the grader is loaded.
"""
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, its default, the unit of both, what it bounds."""
    name: str
    default: int
    unit: str
    meaning: str


LIMITS = {limit.name: limit for limit in (
    Limit("CONVKIT_MEMORY_MB", 4096, "MB", "address space of each sandboxed process"),
    Limit("CONVKIT_MAX_PROCESSES", 64, "processes",
          "processes and threads (pids cgroup, where the machine allows one)"),
    Limit("CONVKIT_OUTPUT_MB", 64, "MB", "largest file; size of the kernel's scratch space"),
    Limit("CONVKIT_NOTEBOOK_SECONDS", 900, "s", "wall clock and CPU for one notebook's kernel"),
    Limit("CONVKIT_CELL_OUTPUT_KB", 1024, "kB", "output kept per cell; the rest is dropped"),
    Limit("CONVKIT_CELL_SECONDS", 20, "s",
          "one notebook cell (or a `.py` file) while the grader loads the student's code"),
    Limit("CONVKIT_LOAD_SECONDS", 60, "s", "all of the student's code, loaded once in each grader child"),
    Limit("CONVKIT_PART_SECONDS", 60, "s", "the grader's time for one function's calls in a part"),
    Limit("CONVKIT_CNN_SECONDS", 180, "s", "the grader's time to train the tiny CNN"),
    Limit("CONVKIT_SUBMISSION_MB", 256, "MB", "a submission's notebooks as intake reads them: each file, and "
          "all that its zip files unpack to (a zip over this is reported, not unpacked)"),
    Limit("CONVKIT_ZIP_ENTRIES", 2000, "entries", "entries of one zip file in a submission (more: reported, "
          "not unpacked)"),
    Limit("CONVKIT_PLATFORM_SECONDS", 540, "s", "a whole submission on Gradescope or PrairieLearn: after this the "
          "results file says the grading ran out of time (under the platforms' own limits: 10 min on Gradescope by "
          "default, at most 10 min on PrairieLearn)"),
    Limit("CONVKIT_HELP_BELOW", 60, "points", "the class report lists a student whose total is below this "
          "as needing help (`report --help-below`)"),
)}


def limit(name):
    """The value of the limit ``name`` in its unit: its environment variable when set, else its default.

    Parameters
    ----------
    name : str
        A key of :data:`LIMITS`, e.g. ``"CONVKIT_PART_SECONDS"``.

    Returns
    -------
    float
        A float, because a time may have a fraction; the caller makes whole
        bytes or processes of it.
    """
    return float(os.environ.get(name, LIMITS[name].default))


ROOT = Path(__file__).resolve().parents[1]   # the repository, which is also nbgrader's course root
COURSE_ID = "convkit"
ASSIGNMENT = "conv_backprop"

# nbgrader's course folders under ROOT (``nbgrader_config.py`` names them to nbgrader).
SOURCE_FOLDER = "source"            # the instructor's notebooks: solutions and hidden tests
RELEASE_FOLDER = "assignments"      # the student release, committed
SUBMITTED_FOLDER = "submitted"
AUTOGRADED_FOLDER = "autograded"
FEEDBACK_FOLDER = "feedback"
FINDINGS_FOLDER = "findings"        # what the engine found per student (the kit's, for the class report)

# This repository's notebooks of the assignment (the build steps take any course root).
SOURCE_NOTEBOOKS = ROOT / SOURCE_FOLDER / ASSIGNMENT
RELEASE_NOTEBOOKS = ROOT / RELEASE_FOLDER / ASSIGNMENT
