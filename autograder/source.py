"""Find the student's code in a notebook or a Python file, without running it.

Only the definitions are kept: imports, functions, classes, constant
assignments, and assignments to names that those functions read (in the
same cell or file). Test calls, plots and training loops that a notebook also holds
never run while grading, so a slow or broken experiment in a notebook costs
nothing, and the functions are graded exactly as written.
"""
import ast
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

# CPython 3.11's AST constructor is not safe to use from several threads at
# once ("AST constructor recursion depth mismatch"), and parts and students
# are graded in threads: every parse goes through this lock.
AST_LOCK = threading.Lock()

KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Chunk:
    label: str       # "cell 4" or the file name: where the student finds it
    code: str


@dataclass
class Source:
    path: Path
    chunks: list = field(default_factory=list)
    problems: dict = field(default_factory=dict)   # function name -> why it cannot be loaded


def _is_constant(node):
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
        return False
    try:
        with AST_LOCK:
            ast.literal_eval(node.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _assigns(node, names):
    """Is this a module-level assignment to a name that a kept function reads (EPS = np.finfo(float).eps)?"""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)):
        return False
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(isinstance(t, ast.Name) and t.id in names for t in targets)


def _definitions(code, label, wanted, source):
    """The kept statements of one cell or file, as source text (line numbers kept)."""
    # IPython magics and shell escapes are not Python; blank them, keeping line numbers.
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())
    try:
        with AST_LOCK:
            tree = ast.parse(code)
    except SyntaxError as error:
        for name in wanted:
            if re.search(rf"^\s*def\s+{name}\s*\(", code, flags=re.M):
                source.problems[name] = (f"{label} has a syntax error at line {error.lineno}: "
                                         f"{error.msg}, so {name} cannot be loaded")
        return None
    defs = [node for node in tree.body if isinstance(node, KEPT)]
    read = {name.id for node in defs for name in ast.walk(node) if isinstance(name, ast.Name)}
    kept = [node for node in tree.body
            if isinstance(node, KEPT) or _is_constant(node) or _assigns(node, read)]
    if not kept:
        return None
    lines = code.splitlines()
    keep_lines = set()
    for node in kept:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        keep_lines.update(range(start, node.end_lineno + 1))
    # Blank every other line so tracebacks point at the student's own line numbers.
    return "\n".join(line if number in keep_lines else "" for number, line in enumerate(lines, 1))


def load_source(path, wanted):
    """Read a .py or .ipynb file into a :class:`Source` of definition chunks.

    ``wanted`` are the API names the caller looks for: a syntax error in a cell
    that defines one of them is reported against that name.
    """
    path = Path(path)
    source = Source(path)
    if path.suffix == ".ipynb":
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
            cells = [cell for cell in notebook["cells"] if cell.get("cell_type") == "code"]
            texts = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
            for name in wanted:
                source.problems[name] = f"{path.name} is not a readable notebook ({type(error).__name__})"
            return source
        for number, text in enumerate(texts, 1):
            code = _definitions(text, f"code cell {number}", wanted, source)
            if code is not None:
                source.chunks.append(Chunk(f"code cell {number}", code))
    else:
        code = _definitions(path.read_text(encoding="utf-8", errors="replace"), path.name, wanted, source)
        if code is not None:
            source.chunks.append(Chunk(path.name, code))
    return source
