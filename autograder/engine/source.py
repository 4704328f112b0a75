"""Read a submission into the code that grading runs, exactly as Python would run it.

* A ``.py`` file is imported as a module (named after the file, so its
  ``if __name__ == "__main__":`` block does not run).
* A notebook's code cells run top to bottom in one namespace, as a kernel
  runs them: every cell of the student's (solution cells and cells the student
  added), and of the notebook's own read-only cells those that bind a name the
  student's code reads, directly or through another such cell (the setup
  cell's imports, a worked example's arrays). The autograded test cells never
  run: they belong to the grader.

Nothing is run here: :mod:`autograder.sandbox.child` runs the cells in the sandbox,
each with a time limit, and reports any cell that raised. What cannot run at
all (a syntax error, a cell magic that is not Python) is recorded here, so the
feedback can say what was not run.
"""
import json
import re
import symtable
import threading
from dataclasses import dataclass, field
from pathlib import Path

# CPython 3.11 before 3.11.8 builds AST objects in a state shared by all
# threads ("AST constructor recursion depth mismatch", python/cpython#106905),
# and parts and students are graded in threads: every parse in the grader goes
# through this lock, NumPy's reading of .npy headers (ast.literal_eval) included.
AST_LOCK = threading.Lock()

# Cell magics whose body is Python that runs as written (the magic only times or captures it).
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
# What the hidden test cells import to score a cell: such a cell is the grader's, whatever its metadata says.
HIDDEN_TEST_IMPORT = re.compile(r"^\s*(from|import)\s+autograder\.notebook_checks\b", re.M)


@dataclass
class Cell:
    label: str       # "code cell 4" or the file name: where the student finds it
    code: str


@dataclass
class Source:
    path: Path
    kind: str                                      # "module" (a .py file) or "notebook"
    cells: list = field(default_factory=list)      # what runs, in order
    problems: dict = field(default_factory=dict)   # API function name -> why it cannot be loaded
    not_run: dict = field(default_factory=dict)    # label -> why that code of the student's was not run

    @property
    def module(self):
        """The name the code runs under: a notebook is ``__main__``, as in a kernel; a file its stem."""
        if self.kind == "notebook":
            return "__main__"
        stem = self.path.stem
        return stem if stem.isidentifier() else "submission"


def without_magics(code):
    """The cell as Python, IPython's magics and shell escapes blanked (line numbers kept),
    or ``(None, why)`` for a cell magic whose body is not Python."""
    lines = code.splitlines()
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return None, f"it is a %%{magic} cell, not Python"
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines), None


def _parse(code, label):
    """The cell's symbol table, or the syntax error that stops it from running."""
    try:
        with AST_LOCK:
            return symtable.symtable(code, label, "exec"), None
    except SyntaxError as error:
        return None, f"has a syntax error at line {error.lineno}: {error.msg}"


def _globals_read(table):
    """Global names the code reads anywhere: at the top, or free in its functions and classes."""
    names = {s.get_name() for s in table.get_symbols() if s.is_referenced()} if table.get_type() == "module" \
        else {s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced()}
    for child in table.get_children():
        names |= _globals_read(child)
    return names


def _globals_bound(table):
    """Names the code binds at the top level (assignments, imports, defs, classes, loop targets)."""
    return {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}


def _role(cell):
    """'test' (graded by the grader, never run), 'fixed' (the notebook's own read-only cell) or 'student'."""
    text = cell.get("source", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    # The same tests as nbgrader.utils' is_grade, is_solution and is_locked, read by hand: the
    # engine does not import nbgrader (seconds of start-up for every grading), the cells are
    # plain JSON, and a damaged marking (not a dict) must count as none.
    meta = cell.get("metadata", {}).get("nbgrader")
    meta = meta if isinstance(meta, dict) else {}
    if HIDDEN_TEST_IMPORT.search(text) or (meta.get("grade") and not meta.get("solution")):
        return "test", text
    if meta.get("locked") and not meta.get("solution"):
        return "fixed", text
    return "student", text


def _defines(code, name):
    return re.search(rf"^\s*def\s+{name}\s*\(", code, flags=re.M) is not None


def _read_notebook(path, wanted, source):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code_cells = [cell for cell in notebook["cells"] if cell.get("cell_type") == "code"]
    runnable = []   # (label, role, code, symbol table)
    for number, cell in enumerate(code_cells, 1):
        label = f"code cell {number}"
        role, text = _role(cell)
        if role == "test":
            continue
        code, why = without_magics(text)
        table = None
        if code is not None:
            table, why = _parse(code, label)
        if table is None:
            if role == "student":
                source.not_run[label] = why
                for name in wanted:
                    if _defines(text, name):
                        source.problems[name] = f"{label} {why}, so {name} cannot be loaded"
            continue
        runnable.append((label, role, code, table))
    # The notebook's own cells that the student's code needs, and the cells those need in turn.
    # A name a cell binds itself (a loop variable, `except ... as error`) needs no other cell.
    needed = set().union(*(_globals_read(t) - _globals_bound(t) for _, role, _, t in runnable if role == "student"))
    chosen = set()
    while True:
        more = {label for label, role, _, t in runnable
                if role == "fixed" and label not in chosen and _globals_bound(t) & needed}
        if not more:
            break
        chosen |= more
        needed |= set().union(*(_globals_read(t) - _globals_bound(t) for label, _, _, t in runnable if label in more))
    source.cells = [Cell(label, code) for label, role, code, _ in runnable if role == "student" or label in chosen]


def _read_module(path, wanted, source):
    code = path.read_text(encoding="utf-8", errors="replace")
    _, why = _parse(code, path.name)
    if why:
        source.not_run[path.name] = why
        for name in wanted:
            source.problems[name] = f"{path.name} {why}, so nothing in it can be loaded"
        return
    source.cells = [Cell(path.name, code)]


def load_notes(source, failed):
    """Feedback lines on the student's code that did not run, or raised while loading.

    ``failed`` is what the child reported: ``{label: why}`` for each cell (or
    the file) that raised or ran out of time.
    """
    lines = [f"{label} was not run: it {why}." for label, why in source.not_run.items()]
    after = "the cells after it still ran" if source.kind == "notebook" else "what it defined before that was kept"
    lines += [f"While your code was loading, {label} {why}; {after}." for label, why in failed.items()]
    return lines


def load_source(path, wanted):
    """Read a .py or .ipynb file into a :class:`Source`: the code that runs, and what cannot.

    ``wanted`` are the API names the caller looks for: code that cannot run is
    reported against the names it would have defined.
    """
    path = Path(path)
    if path.suffix != ".ipynb":
        source = Source(path, "module")
        _read_module(path, wanted, source)
        return source
    source = Source(path, "notebook")
    try:
        _read_notebook(path, wanted, source)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
        for name in wanted:
            source.problems[name] = f"{path.name} is not a readable notebook ({type(error).__name__})"
    return source
