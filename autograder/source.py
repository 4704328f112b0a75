"""Find the student's code in a notebook or a Python file, without running it.

Only the definitions are kept: functions, classes, constant assignments,
assignments to names that those functions read (in the same cell or file),
and the imports of names that the kept code reads. Test calls, plots,
plotting imports and training loops that a notebook also holds never run
while grading, so a slow or broken experiment in a notebook costs nothing,
and the functions are graded exactly as written.
"""
import ast
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

# CPython 3.11 before 3.11.8 builds AST objects in a state shared by all
# threads ("AST constructor recursion depth mismatch", python/cpython#106905),
# and parts and students are graded in threads: every parse in the grader goes
# through this lock, NumPy's reading of .npy headers (ast.literal_eval) included.
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


def _parse(code, label, wanted, source):
    """One cell or file as (code with magics blanked, syntax tree), or None when it cannot be parsed."""
    # IPython magics and shell escapes are not Python; blank them, keeping line numbers.
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())
    try:
        with AST_LOCK:
            return code, ast.parse(code)
    except SyntaxError as error:
        for name in wanted:
            if re.search(rf"^\s*def\s+{name}\s*\(", code, flags=re.M):
                source.problems[name] = (f"{label} has a syntax error at line {error.lineno}: "
                                         f"{error.msg}, so {name} cannot be loaded")
        return None


def _names_read(nodes):
    return {name.id for node in nodes for name in ast.walk(node) if isinstance(name, ast.Name)}


def _bound_names(node):
    """The names an import binds (None for ``import *``, which binds what it likes)."""
    names = set()
    for alias in node.names:
        if alias.name == "*":
            return None
        names.add(alias.asname or alias.name.split(".")[0])
    return names


def _kept_non_imports(tree):
    """A cell's definitions, constants, and assignments to names its definitions read."""
    defs = [node for node in tree.body if isinstance(node, KEPT) and not isinstance(node, (ast.Import, ast.ImportFrom))]
    read = _names_read(defs)
    return [node for node in tree.body
            if node in defs or _is_constant(node) or _assigns(node, read)]


def _kept_code(code, kept):
    """``code`` with every line outside the ``kept`` statements blanked, or None when nothing is kept."""
    if not kept:
        return None
    lines = code.splitlines()
    keep_lines = set()
    for node in kept:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        keep_lines.update(range(start, node.end_lineno + 1))
    # Blank every other line so tracebacks point at the student's own line numbers.
    return "\n".join(line if number in keep_lines else "" for number, line in enumerate(lines, 1))


def _chunks(texts, wanted, source):
    """The kept code of each ``(label, text)``. An import is kept only when it binds an API name or a
    name that kept code reads: a notebook's plotting imports are not loaded again for every graded call."""
    parsed = [(label, _parse(text, label, wanted, source)) for label, text in texts]
    parsed = [(label, code, tree) for label, result in parsed if result is not None for code, tree in [result]]
    kept = {label: _kept_non_imports(tree) for label, _, tree in parsed}
    # The API's own names count as read: a file may import the graded functions from elsewhere.
    read = _names_read([node for nodes in kept.values() for node in nodes]) | set(wanted)
    for label, code, tree in parsed:
        imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
                   and (_bound_names(node) is None or _bound_names(node) & read)]
        statements = sorted(kept[label] + imports, key=lambda node: node.lineno)
        text = _kept_code(code, statements)
        if text is not None:
            source.chunks.append(Chunk(label, text))


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
        _chunks([(f"code cell {number}", text) for number, text in enumerate(texts, 1)], wanted, source)
    else:
        _chunks([(path.name, path.read_text(encoding="utf-8", errors="replace"))], wanted, source)
    return source
