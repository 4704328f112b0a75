"""Everything a student controls that a browser renders, made inert before an instructor sees it.

The autograded notebooks are what Formgrader shows the instructor and what
the feedback files are made of, and a student's notebook can put HTML in
them: an output of type ``text/html``, ``image/svg+xml``, ``text/markdown``,
``text/latex`` or ``application/javascript``, a widget view, raw HTML in a
markdown cell. Rendered in the instructor's browser, that HTML would run in
the Jupyter server's own origin, with the instructor's rights (read the
hidden reference, start a kernel, rewrite the gradebook). So:

* **HTML** (``text/html`` outputs, the student's markdown cells rendered to
  HTML, raw cells) is cleaned by nh3, the Python binding of the ammonia
  sanitizer, against the one allowlist here (:data:`TAGS`,
  :data:`ATTRIBUTES`, :data:`STYLE_PROPERTIES`, :data:`URL_SCHEMES`): no
  scripts or styles (tag and content), no event handlers, iframes, forms,
  ``<base>`` or ``<meta>``; links to http(s) and mailto only; images from
  ``data:image`` URLs only, so that nothing is fetched and no request reaches
  the server; ids prefixed (:data:`ID_PREFIX`) so that none stands for one of
  the page's own; only styles that keep an element in its box.
* **Other outputs**: an SVG becomes an ``<img>`` of itself (a browser runs no
  script in an image); markdown becomes cleaned HTML; PNG and JPEG stay when
  they are base64, with only numeric width and height kept of their
  metadata; JavaScript, widget views and every other type are removed.
* **TeX** that MathJax would turn into a link, a style, a loaded extension
  (``\\href``, ``\\style``, ``\\require``, ... :data:`TEX_COMMANDS`) is shown as
  text, in math in markdown, HTML and LaTeX outputs alike.
* Untouched: the instructor's own cells (read-only cells, whose source
  nbgrader restored from the gradebook), plain text, streams and tracebacks
  (every page escapes them), and PNG figures, tables and equations, which
  show as before.

:class:`MakeStudentContentInert` does it to a notebook. The course config
(``nbgrader_config.py``) makes it a step of nbgrader's autograde pipeline, so
the autograded notebooks that Formgrader and the feedback read are inert,
whichever way they were graded, and of every HTML export of the course
(``c.HTMLExporter.preprocessors``), so Formgrader's pages and the feedback
files check again. The instructor's source and release notebooks are never
touched.
"""
import base64
import re

import nh3
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

# --- The allowlist: the one place that says what a student's HTML may hold --------------------------------

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
}
# Removed with everything inside them (other tags not allowed lose the tag and keep their text).
CONTENT_REMOVED = {"script", "style", "template", "noscript", "iframe", "object", "embed", "frameset", "noembed",
                   "title", "textarea", "select", "svg", "math"}
ATTRIBUTES = {
    "*": {"title", "id", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "tr": {"align"},
    "table": {"border"},
    "ol": {"start"},
}
# Styles that change how text and tables look, none that can take an element out of its box
# (position, transform, z-index, margins, sizes) or fetch anything (background-image, content).
STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "font-family", "text-align", "text-decoration",
    "vertical-align", "white-space", "border", "border-collapse", "border-color", "border-style", "border-width",
    "border-top", "border-bottom", "border-left", "border-right", "padding", "padding-left", "padding-right",
    "padding-top", "padding-bottom",
}
URL_SCHEMES = {"http", "https", "mailto", "data"}     # data: only for images, see _allowed_attribute
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*", re.I)
ID_PREFIX = "student-"
# Output types kept (cleaned where they are HTML or TeX); every other type is removed.
KEPT_OUTPUT_TYPES = ("text/plain", "text/html", "text/latex", "image/png", "image/jpeg")
BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
# TeX commands that MathJax turns into a link, a style, a class or id, loaded code or fonts, or that build a
# command's name from pieces; each is shown as text (a zero-width space after its backslash).
TEX_COMMANDS = ("href", "url", "class", "cssId", "style", "unicode", "require", "data", "html", "texttip",
                "mathtip", "toggle", "action", "bbox", "mmlToken", "enclose", "csname", "expandafter",
                "begingroup")
DANGEROUS_TEX = re.compile(r"\\(?=(?:" + "|".join(TEX_COMMANDS) + r")(?![A-Za-z]))")


def _allowed_attribute(tag, attribute, value):
    """nh3's last word on each attribute: images only from data:image URLs, links never to data:."""
    if tag == "img" and attribute == "src":
        return value if DATA_IMAGE.fullmatch(value.strip()) else None
    if tag == "a" and attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    return value


def clean_html(html):
    """``html`` with only what :data:`TAGS`, :data:`ATTRIBUTES` and :data:`STYLE_PROPERTIES` allow, its TeX inert."""
    cleaned = nh3.clean(
        str(html), tags=TAGS, clean_content_tags=CONTENT_REMOVED, attributes=ATTRIBUTES,
        attribute_filter=_allowed_attribute, url_schemes=URL_SCHEMES, url_relative="deny",
        filter_style_properties=STYLE_PROPERTIES, link_rel="noopener noreferrer nofollow",
        id_prefix=ID_PREFIX, strip_comments=True)
    return inert_tex(cleaned)


def inert_tex(text):
    """``text`` with every command of :data:`TEX_COMMANDS` shown as text rather than run by MathJax."""
    return DANGEROUS_TEX.sub("\\\\\u200b", str(text))


def render_markdown(source, attachments=None):
    """A student's markdown as cleaned HTML, laid out so that a Markdown renderer passes it through whole.

    Its attachments (pasted images) are put in as ``data:`` URLs. The HTML is
    wrapped in a ``<div>`` and has no blank line (a zero-width space stands in
    one), so that the exporters, which render the cell as Markdown again, read
    it as one block of HTML.
    """
    renderer = IPythonRenderer(escape=False, attachments=attachments or {})
    try:
        html = MarkdownWithMath(renderer=renderer).render(inert_tex(source))
    except Exception:  # a reference to a missing attachment, or Markdown the renderer cannot take
        html = "<pre>" + nh3.clean_text(str(source)) + "</pre>"
    cleaned = re.sub(r"\n[ \t]*(?=\n)", "\n\u200b", clean_html(html).strip())
    if cleaned.startswith("<div>\n") and cleaned.endswith("\n</div>"):
        return cleaned  # made inert before: the same again (the feedback's second look changes nothing)
    return "<div>\n" + cleaned + "\n</div>"


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def _image_metadata(metadata, kept):
    """Of an output's metadata, only the numeric width and height of its images."""
    result = {}
    for mime in kept:
        sizes = metadata.get(mime) if isinstance(metadata, dict) else None
        if isinstance(sizes, dict):
            numbers = {key: sizes[key] for key in ("width", "height")
                       if isinstance(sizes.get(key), (int, float)) and not isinstance(sizes.get(key), bool)}
            if numbers:
                result[mime] = numbers
    return result


def _svg_image(svg):
    encoded = base64.b64encode(svg.encode("utf-8", "replace")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{encoded}" alt="SVG image">'


def clean_output_data(data):
    """An output's data with every type made inert or removed (see the module's docstring)."""
    clean = {}
    for mime in ("text/plain", "text/html", "text/markdown", "image/svg+xml", "text/latex", "image/png",
                 "image/jpeg"):
        value = _text(data.get(mime)) if isinstance(data, dict) else None
        if not isinstance(value, str):
            continue
        if mime == "text/plain":
            clean[mime] = value
        elif mime == "text/html":
            clean[mime] = clean_html(value)
        elif mime == "text/markdown" and "text/html" not in clean:
            clean["text/html"] = render_markdown(value)
        elif mime == "image/svg+xml" and "text/html" not in clean:
            clean["text/html"] = _svg_image(value)
        elif mime == "text/latex":
            clean[mime] = inert_tex(value)
        elif mime in ("image/png", "image/jpeg") and BASE64.fullmatch(value):
            clean[mime] = value
    return clean


def clean_outputs(outputs):
    """A code cell's outputs made inert; returns how many outputs were changed."""
    changed = 0
    for output in outputs:
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue  # streams and errors are text, which every page escapes
        data = clean_output_data(output.get("data", {}))
        metadata = _image_metadata(output.get("metadata", {}), [m for m in data if m.startswith("image/")])
        if data != output.get("data") or metadata != output.get("metadata"):
            changed += 1
        output["data"], output["metadata"] = data, metadata
    return changed


def is_instructors(cell):
    """Is this one of the instructor's read-only cells (its source nbgrader's, from the gradebook)?"""
    marking = cell.get("metadata", {}).get("nbgrader")
    return isinstance(marking, dict) and marking.get("locked") is True and not marking.get("solution") \
        and cell.get("cell_type") == "markdown"


def make_inert(notebook):
    """Make everything the student controls in ``notebook`` inert, in place; returns how many cells changed."""
    changed = 0
    for cell in notebook.cells:
        if cell.cell_type == "code":
            changed += bool(clean_outputs(cell.get("outputs", [])))
        elif cell.cell_type == "markdown" and not is_instructors(cell):
            source = render_markdown(_text(cell.source), cell.get("attachments"))
            cell.pop("attachments", None)
            changed += source != cell.source
            cell.source = source
        elif cell.cell_type == "raw":
            source = clean_html(_text(cell.source))
            changed += source != cell.source
            cell.source = source
    if isinstance(notebook.get("metadata"), dict) and "widgets" in notebook.metadata:
        del notebook.metadata["widgets"]  # widget state, which a page would hand to widget scripts
        changed += 1
    return changed


class MakeStudentContentInert(Preprocessor):
    """:func:`make_inert` as a step of nbgrader's autograde pipeline and of the course's HTML exports."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        changed = make_inert(nb)
        if changed:
            self.log.info("convkit: made %d cells of student content inert", changed)
        return nb, resources
