"""nbgrader's configuration: the repository root is the course root.

Autograding first makes the cells' nbgrader metadata the release's
(``autograder/pipeline/restore_metadata.py``), runs each notebook in the
``convkit-sandbox`` kernel (student code in bubblewrap, see
``autograder/sandbox/kernel.py``), and the hidden test cells are scored by the
kit's engine outside that kernel (``autograder/pipeline/engine_grades.py``).
"""
import os

from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                    OverwriteCells, OverwriteKernelspec, SaveAutoGrades)
from nbconvert.preprocessors import ClearMetadataPreprocessor

from autograder import config  # the kit must be importable: `make venv` installs it

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
COURSE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = COURSE
c.CourseDirectory.course_id = config.COURSE_ID
c.CourseDirectory.source_directory = config.SOURCE_FOLDER
c.CourseDirectory.release_directory = config.RELEASE_FOLDER   # the student release, committed
c.CourseDirectory.submitted_directory = config.SUBMITTED_FOLDER
c.CourseDirectory.autograded_directory = config.AUTOGRADED_FOLDER
c.CourseDirectory.feedback_directory = config.FEEDBACK_FOLDER

# --- The exchange (nbgrader's release_assignment, collect, release_feedback
# move files through it). It must exist and be writable, or Formgrader warns
# that "the exchange directory does not exist" and turns those buttons off.
# Here it is a folder of the course, made when nbgrader reads this file: enough
# for one instructor on one machine. For students on a JupyterHub, point it at a
# folder they can all write, e.g. c.Exchange.root = "/srv/nbgrader/exchange"
# (chmod 777), as nbgrader's "Setting up the exchange" says.
c.Exchange.root = os.path.join(COURSE, "exchange")
os.makedirs(c.Exchange.root, exist_ok=True)

# --- The HTML pages (feedback files, Formgrader's view of a submission): nbgrader's
# own templates, with the kit's CSS (lines wrap, figures fit, tables have borders)
# and a MathJax that works offline; see autograder/course/templates/__init__.py.
from autograder.course import templates  # noqa: E402

c.HTMLExporter.extra_template_basedirs = templates.TEMPLATE_DIRS
c.HTMLExporter.filters = {"convkit_asset": "autograder.course.templates.asset",
                          "convkit_asset_file": "autograder.course.templates.asset_file"}
# MathJax beside each student's feedback pages, once per folder (the pages load it by a relative name).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, templates.ShipMathJax]

# --- Sandbox limits for student code: the kit's defaults, with their units and
# meanings, are autograder/config.py's LIMITS. Change one here for the course,
# e.g. SANDBOX_LIMITS["CONVKIT_MEMORY_MB"] = 2048; the environment variable of
# the same name, when set, wins.
SANDBOX_LIMITS = {name: limit.default for name, limit in config.LIMITS.items()}
for name, value in SANDBOX_LIMITS.items():
    os.environ.setdefault(name, str(value))

# --- Autograding: the sandboxed kernel, then the engine's scores.
import autograder  # noqa: E402
from autograder.pipeline.restore_metadata import RestoreCellMetadata  # noqa: E402
from autograder.pipeline.engine_grades import ClearOutputToRun, EngineGrades, SafeExecute  # noqa: E402
from autograder.pipeline.sanitize import MakeStudentContentInert  # noqa: E402

KERNELS = os.path.join(os.path.dirname(autograder.__file__), "sandbox", "jupyter")  # holds kernels/convkit-sandbox
JUPYTER_PATH = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
if KERNELS not in JUPYTER_PATH:
    os.environ["JUPYTER_PATH"] = os.pathsep.join([KERNELS] + JUPYTER_PATH)
c.Execute.kernel_name = "convkit-sandbox"
# Seconds per cell: notebook 05's visible training runs for several seconds
# with loop code; the kernel's whole-notebook budget is above.
c.Execute.timeout = 300
# RestoreCellMetadata first: a tampered or damaged cell marking would make
# nbgrader's own steps reject the whole notebook, or the whole submission.
# It also removes duplicated markings, so nbgrader's DeduplicateIds is not needed.
# ClearOutputToRun and SafeExecute: grade-class, whose grades are the engine's, computed before nbgrader
# runs, keeps the outputs of the student's own run instead of running the notebook again (see
# autograder/pipeline/engine_grades.py); plain nbgrader autograde runs it in the sandboxed kernel.
c.Autograde.sanitize_preprocessors = [
    ClearOutputToRun, RestoreCellMetadata, OverwriteKernelspec, OverwriteCells, CheckCellMetadata,
]
# MakeStudentContentInert right after the notebook ran: what a student's notebook shows (HTML, SVG,
# JavaScript, widgets, raw HTML in markdown) is made inert before Formgrader or the feedback renders it
# in an instructor's browser (autograder/pipeline/sanitize.py).
c.Autograde.autograde_preprocessors = [
    SafeExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, MakeStudentContentInert,
    EngineGrades, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
]
# And again in every HTML page made of a notebook: the feedback files and Formgrader's view of a submission.
c.HTMLExporter.preprocessors = [MakeStudentContentInert]
