"""Which release notebook each handed-in file is, and one matching of files to notebooks.

A file is recognised by what identifies a notebook uniquely, strongest
first:

1. **its cells**: the cells only that release notebook has, by grade id or,
   when an editor stripped the metadata, by their text (a walkthrough's
   paragraphs, its figures' code, its autograded cells);
2. **its very name**: a file named as a release notebook is that notebook,
   unless its cells say otherwise;
3. **the functions it defines**: the student API functions of the
   notebook's parts, callable as the grader calls them (notebook 03's
   ``conv2d_forward`` takes stride and pad, notebook 02's need not, so one
   that takes them is 03's);
4. **its name**: how much of a release name's words and number it has once
   the decorations that tools add are taken off (``" (1)"``, ``-Copy1``,
   ``_final``).

A tier decides when one notebook has more evidence than every other; a tie
goes to the next tier among the tied notebooks only. Then
:func:`match` assigns files to notebooks as one matching: never one file to
two notebooks, never two files to one. Several copies of one notebook: the
one that holds more of it wins, then the one with the student's work in it
over an untouched release copy, then the newer. A file that could be two
notebooks goes to the one of them still missing. Every decision is said in
a note.
"""
import ast
import re
import time
from dataclasses import dataclass
from pathlib import PurePosixPath

from autograder.engine.source import AST_LOCK, without_magics
from autograder.pipeline.cell_metadata import cell_text, grade_id, visible_text
from autograder.spec.parts import NOTEBOOK_PARTS, PARTS

# What tools append to a file name: "(1)" (a browser's second download), "-Copy1" (Jupyter's
# Duplicate), "_final", "_v2", "-checkpoint", "_old", "_new" and the like.
DECORATION = re.compile(r"(\s*\(\d+\)|[-_ .]*(copy|kopie|copie)\s*\d*|[-_ .]*(final|v\d+|checkpoint|old|new|"
                        r"done|solved|submission|submitted))$", re.I)
# Calls the grader makes: the layer's three arrays, then stride and pad where the part takes them.
ARRAY_ARGUMENTS = 3
CONV_ARGUMENTS = 2
# A notebook counts as a copy of a release notebook when it holds at least this share of the cells
# only that notebook has.
COPY_SHARE = 0.5


@dataclass(frozen=True)
class Release:
    """What identifies each release notebook."""
    names: tuple          # the release's notebook file names, in order
    own: dict             # name -> [(grade id, (cell type, text))]: the cells only that notebook has
    texts: frozenset      # the text of every release cell: a cell reading so is not the student's work
    functions: dict       # name -> {function: takes stride and pad}

    @classmethod
    def of(cls, notebooks):
        """From ``{file name: release NotebookNode}``."""
        cells = {name: [(grade_id(c), (c.cell_type, visible_text(c.source))) for c in nb.cells]
                 for name, nb in notebooks.items()}
        ids, texts = {}, {}
        for name, listed in cells.items():
            for cell_id, text in listed:
                ids.setdefault(cell_id, set()).add(name)
                texts.setdefault(text, set()).add(name)
        own = {name: [(cell_id if cell_id and ids[cell_id] == {name} else None,
                       text if text[1] and texts[text] == {name} else None)
                      for cell_id, text in listed] for name, listed in cells.items()}
        own = {name: [pair for pair in pairs if pair != (None, None)] for name, pairs in own.items()}
        functions = {name: {function: part.conv_args
                            for key in NOTEBOOK_PARTS.get(name, []) for part in [PARTS[key]]
                            for function in part.functions} for name in notebooks}
        return cls(tuple(notebooks), own, frozenset(texts), functions)


@dataclass
class Evidence:
    """What a file holds of each release notebook."""
    cells: dict        # release name -> how many of the cells only it has the file holds
    exact: dict        # release name -> 1 when the file has that very name, else 0
    functions: dict    # release name -> how well the API functions the file defines fit its parts (see fit)
    name: dict         # release name -> how much the file's name is like it, 0 to 1
    work: bool         # the file holds code that is not the release's: the student wrote something
    copy_of: set       # release names the file holds at least COPY_SHARE of

    def strength(self, name):
        """How strongly the file is that notebook: 2 a copy of it, 1 some evidence, 0 none."""
        if name in self.copy_of:
            return 2
        return 1 if self.cells.get(name) or self.functions.get(name) or self.name.get(name) else 0


def _top_level_functions(body):
    """Functions a module's statements define at the top (also inside if, try, with and for blocks)."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node.args
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    yield target.id, None  # bound to something else: its signature is not known here
        for field in ("body", "orelse", "finalbody"):
            if isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)) and hasattr(node, field):
                yield from _top_level_functions(getattr(node, field))
        for handler in getattr(node, "handlers", []) or []:
            yield from _top_level_functions(handler.body)


def callable_as(arguments, conv_args):
    """Can a function with these ``ast.arguments`` be called as the grader calls a part's functions
    (three arrays, then stride and pad when ``conv_args``)? None (unknown) counts as yes."""
    if arguments is None:
        return True
    wanted = ARRAY_ARGUMENTS + (CONV_ARGUMENTS if conv_args else 0)
    positional = len(arguments.posonlyargs) + len(arguments.args)
    required = positional - len(arguments.defaults)
    return (positional >= wanted or arguments.vararg is not None) and required <= wanted


def fit(arguments, conv_args):
    """How well a function with these ``ast.arguments`` fits a part: 1 callable as graded, 0 not, and
    0.5 for a part without stride and pad when it also takes them (it was written for a strided part)."""
    if not callable_as(arguments, conv_args):
        return 0.0
    if arguments is not None and not conv_args and callable_as(arguments, True):
        return 0.5
    return 1.0


def _defined(notebook):
    """``{function name: ast.arguments or None}`` for what the notebook's code cells define."""
    found = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        code, _ = without_magics(cell_text(cell.source))
        if code is None:
            continue
        try:
            with AST_LOCK:
                tree = ast.parse(code)
        except (SyntaxError, ValueError):
            continue
        found.update(_top_level_functions(tree.body))
    return found


def _name_words(file_name):
    """The words and numbers of a file name, its tools' decorations taken off: '02_conv2d (1)' -> {'2', 'conv2d'}."""
    stem = PurePosixPath(file_name).stem.lower()
    while True:
        shorter = DECORATION.sub("", stem).strip(" -_.")
        if shorter == stem or not shorter:
            break
        stem = shorter
    return {str(int(word)) if word.isdigit() else word for word in re.split(r"[^a-z0-9]+", stem) if word}


def likeness(file_name, release_name):
    """The share of a release name's words that the file's name has (1.0 for the release name itself)."""
    wanted = _name_words(release_name)
    return len(_name_words(file_name) & wanted) / len(wanted) if wanted else 0.0


def evidence(notebook, file_name, release):
    """What ``notebook`` (a NotebookNode handed in as ``file_name``) holds of each release notebook."""
    ids = {grade_id(cell) for cell in notebook.cells} - {None}
    texts = {(cell.cell_type, visible_text(cell.source)) for cell in notebook.cells}
    cells = {name: sum(1 for cell_id, text in own if cell_id in ids or text in texts)
             for name, own in release.own.items()}
    defined = _defined(notebook)
    functions = {name: sum(fit(defined[function], conv_args) for function, conv_args in wanted.items()
                           if function in defined)
                 for name, wanted in release.functions.items()}
    names = {name: likeness(file_name, name) for name in release.names}
    exact = {name: int(PurePosixPath(file_name).name == name) for name in release.names}
    work = any(cell.cell_type == "code" and cell_text(cell.source)
               and (cell.cell_type, visible_text(cell.source)) not in release.texts for cell in notebook.cells)
    copy_of = {name for name, own in release.own.items() if own and cells[name] >= COPY_SHARE * len(own)}
    return Evidence(cells, exact, functions, names, work, copy_of)


TIERS = (("cells", "the cells only that notebook has"), ("exact", "its name"),
         ("functions", "the functions it defines"), ("name", "its name"))


def candidates(found_evidence, release):
    """The release notebooks a file may be, and the tier that said so: ``([name, ...], how)``.

    One name: the file is that notebook. Several: a tie that no tier broke.
    None: nothing of any release notebook is in the file.
    """
    names, how = list(release.names), None
    for tier, words in TIERS:
        scores = getattr(found_evidence, tier)
        best = max(scores.get(name, 0) for name in names)
        if best > 0:
            names, how = [name for name in names if scores.get(name, 0) == best], words
            if len(names) == 1:
                break
    return (names, how) if how else ([], None)


def saved(found):
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(found.mtime))


def _rank(found, found_evidence, name):
    """Copies of one notebook, best first: holds more of it, has work in it, newer, its own name, shallower."""
    return (found_evidence.strength(name), found_evidence.work, found.mtime, found.file_name == name,
            -found.depth, found.shown)


def placed_note(found, name, how):
    """The note for a file graded as ``name`` (none when it is ``name`` where the release puts it)."""
    if found.shown == name:
        return []
    if found.file_name == name:
        return [f"{found.shown} was graded as {name}."]
    return [f"{found.shown} is {name} renamed (recognised by {how}): graded as {name}."]


def _why_not(loser, loser_evidence, winner, winner_evidence, name):
    if loser_evidence.strength(name) < winner_evidence.strength(name):
        return "it holds less of the notebook"
    if loser_evidence.work < winner_evidence.work:
        return "it is the notebook as released, with nothing written in it"
    if loser.mtime < winner.mtime:
        return f"it is older (saved {saved(loser)}, the graded one {saved(winner)})"
    return "the graded one has the notebook's own name or sits higher in the folders"


def _copies(name, ranked):
    """The note for several files that are all ``name``: which was graded, and why not the others."""
    (winner, winner_evidence, _), others = ranked[0], ranked[1:]
    reasons = "; ".join(f"{loser.shown} was not graded: {_why_not(loser, ev, winner, winner_evidence, name)}"
                        for loser, ev, _ in others)
    return [f"{len(ranked)} files are {name}: {winner.shown} was graded; {reasons}."]


def match(files, release):
    """Assign handed-in files to release notebooks.

    Parameters
    ----------
    files : list of (Found, Evidence)
        Every readable notebook file of the submission, with what it holds.
    release : Release

    Returns
    -------
    (dict, list)
        ``{release name: Found}`` for the notebooks that will be graded, and the notes, in order:
        what was graded from where, copies not graded, files left out.
    """
    definite, undecided, notes, left_out = {}, [], [], []
    for found, found_evidence in files:
        names, how = candidates(found_evidence, release)
        if len(names) == 1:
            definite.setdefault(names[0], []).append((found, found_evidence, how))
        elif names:
            undecided.append((found, found_evidence, names, how))
        else:
            left_out.append(f"{found.shown} is not part of the assignment: ignored.")
    chosen = {}
    for name in release.names:
        if name not in definite:
            continue
        ranked = sorted(definite[name], key=lambda entry: _rank(entry[0], entry[1], name), reverse=True)
        found, _, how = ranked[0]
        chosen[name] = found
        notes += placed_note(found, name, how)
        if len(ranked) > 1:
            notes += _copies(name, ranked)
    # A file that could be several notebooks goes to the only one of them still missing; each
    # assignment can leave another file with a single choice, so go round until none does.
    undecided.sort(key=lambda entry: (entry[1].work, entry[0].mtime), reverse=True)
    while True:
        placed = False
        for entry in list(undecided):
            found, _, names, how = entry
            open_names = [name for name in names if name not in chosen]
            if len(open_names) == 1:
                chosen[open_names[0]] = found
                undecided.remove(entry)
                notes.append(f"{found.shown} could be {' or '.join(names)} (by {how}); "
                             f"{open_names[0]} was missing: graded as {open_names[0]}.")
                placed = True
        if not placed:
            break
    for found, _, names, how in undecided:
        if all(name in chosen for name in names):
            left_out.append(f"{found.shown} looks like {' or '.join(names)} (by {how}), graded from other "
                            "files: ignored.")
        else:
            left_out.append(f"{found.shown} could be {' or '.join(names)} (by {how}) and was not graded: "
                            "give it the notebook's own name.")
    chosen = {name: chosen[name] for name in release.names if name in chosen}
    return chosen, notes + left_out
