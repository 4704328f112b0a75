"""What the kit adds to nbgrader's HTML pages: the feedback files and Formgrader's view of a submission.

nbgrader renders both with nbconvert templates of its own (``feedback`` and
``formgrade``), and both call nbconvert's ``mathjax()`` macro once, in the
page's ``<head>``. The course config (``nbgrader_config.py``) puts this folder
before nbgrader's template folders, so the ``mathjax.html.j2`` in
``feedback/`` and ``formgrade/`` here replaces that macro: nbgrader's
templates are used as they are, and the head gets

* the kit's CSS (``convkit.css``): output lines wrap, figures fit the page,
  tables have borders;
* a MathJax that needs no network. A feedback file is read anywhere, often
  away from the course's server (sent home, opened from a zip, in an exam
  room), so MathJax 3 (``tex-svg.js``, SVG output: no font files to fetch,
  from the pinned ``django-static-mathjax`` package) goes beside the pages, as
  ``convkit-mathjax.js`` in each student's feedback folder
  (:class:`ShipMathJax`, a step of nbgrader's ``generate_feedback``): each page
  loads it by that relative name, so a student's folder works from disk and
  from a zip, and carries one copy of MathJax (2 MB) rather than one per page.
  Formgrader runs inside Jupyter, whose ``jupyter-server-mathjax`` extension
  serves MathJax 2.7 (the version Formgrader's own scripts call) at
  ``<base_url>/static/jupyter_server_mathjax/``.
"""
from pathlib import Path

import mathjax  # django-static-mathjax: MathJax 3 as files, no Django needed to read them
import nbgrader
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

TEMPLATES = Path(__file__).resolve().parent
NBGRADER_TEMPLATES = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"
# nbconvert looks for a template folder in these, in order (HTMLExporter.extra_template_basedirs).
TEMPLATE_DIRS = [str(TEMPLATES), str(NBGRADER_TEMPLATES)]

ASSETS = {
    "convkit.css": TEMPLATES / "convkit.css",
    "mathjax": Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5" / "tex-svg.js",
}


# The file name each page loads MathJax by, beside it (see ShipMathJax).
ASSET_FILES = {"mathjax": "convkit-mathjax.js"}


def asset(name):
    """The text of one of the kit's page assets, to inline (a Jinja filter: ``{{ 'convkit.css' | convkit_asset }}``)."""
    return ASSETS[name].read_text(encoding="utf-8")


def asset_file(name):
    """The relative file name a page loads an asset by (a Jinja filter: ``{{ 'mathjax' | convkit_asset_file }}``)."""
    return ASSET_FILES[name]


class ShipMathJax(Preprocessor):
    """A step of ``generate_feedback``: MathJax goes beside every feedback page (nbconvert's writer saves
    ``resources['outputs']`` next to the page), under the name the page loads it by."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        resources.setdefault("outputs", {})[ASSET_FILES["mathjax"]] = ASSETS["mathjax"].read_bytes()
        return nb, resources
