"""The cell repairs of :mod:`autograder.pipeline.cell_metadata` as a step of plain ``nbgrader autograde``.

nbgrader's gradebook holds the release as ``generate_assignment`` recorded
it; :class:`RestoreCellMetadata`, the first step of the course's sanitize
pipeline (``nbgrader_config.py``), makes a submission's cell markings that
release's before nbgrader's own steps read them.
"""
import nbformat
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import SCHEMA_VERSION
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.pipeline.cell_metadata import restore


def gradebook_cells(db_url, notebook, assignment):
    """The same cells as the gradebook records them, ``{grade id: cell}`` in notebook order.

    The marking is the one ``generate_assignment`` writes into the release. A
    cell with hidden tests has the instructor's source and checksum (nbgrader
    grades with those). Task cells are not described (the course has none).
    """
    with Gradebook(db_url) as gradebook:
        recorded = gradebook.find_notebook(notebook, assignment)
        points = {cell.name: cell.max_score for cell in recorded.grade_cells}
        solutions = {cell.name for cell in recorded.solution_cells}
        cells = {}
        for source in recorded.source_cells:
            marking = {"cell_type": source.cell_type, "checksum": source.checksum, "grade": source.name in points,
                       "grade_id": source.name, "locked": source.locked, "schema_version": SCHEMA_VERSION,
                       "solution": source.name in solutions}
            if source.name in points:
                marking["points"] = points[source.name]
            new_cell = nbformat.v4.new_code_cell if source.cell_type == "code" else nbformat.v4.new_markdown_cell
            cells[source.name] = new_cell(source.source, metadata={"nbgrader": marking})
    return cells


class RestoreCellMetadata(NbGraderPreprocessor):
    """:func:`restore` against the gradebook, each fix logged as a warning.

    It must come before nbgrader's DeduplicateIds, OverwriteCells and
    CheckCellMetadata, which fail on a marking they cannot place.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        release = gradebook_cells(info["db_url"], info["notebook"], info["assignment"])
        for note in restore(nb, release):
            self.log.warning("%s.ipynb: %s", info["notebook"], note)
        return nb, resources
