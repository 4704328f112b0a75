"""A student's notebook whose outputs and markdown try to run code in the instructor's browser.

Every payload runs :func:`attack`, which records its label in
``window.__convkit_pwned`` and tries to create ``pwned-<label>.txt`` through
the Jupyter server's REST API with the page's ``_xsrf`` cookie, as the issue's
attack did. Beside them the notebook shows what a notebook legitimately
shows (:data:`HARMLESS`): a PNG figure, a DataFrame's table, printed text
and an equation, which must still show after grading. The student's code is
correct, so the notebook must earn full marks.
"""
import re
from html.parser import HTMLParser

import nbformat

BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
TEX_LINK = re.compile(r"\\(href|url|style|class|cssId|require|unicode)\b")
STUDENT = "mallory"                # who hands it in, wherever a class carries this notebook
NOTEBOOK = "02_conv2d.ipynb"       # the notebook the payloads go into, its code right
MARKER = "__convkit_pwned"
FILE_PREFIX = "pwned-"
TITLE = "PWNED"


def attack(label):
    """JavaScript (single quotes only, so it fits in an HTML attribute) that the tests must never see run."""
    return ("(function(){window.__convkit_pwned=(window.__convkit_pwned||[]).concat(['" + label + "']);"
            "document.title='PWNED';var m=document.cookie.match(/_xsrf=([^;]+)/);"
            "fetch('/api/contents/pwned-" + label + ".txt',{method:'PUT',credentials:'include',"
            "headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},"
            "body:JSON.stringify({type:'file',format:'text',content:'pwned'})});})()")


# Outputs of type text/html, one payload each.
HTML_PAYLOADS = {
    "img-onerror": f'<img src="x" onerror="{attack("img-onerror")}">',
    "script": f"<script>{attack('script')}</script>",
    "iframe-srcdoc": f'<iframe srcdoc="<script>parent.eval(atob(\'\'))</script>" onload="{attack("iframe")}"></iframe>',
    "javascript-link": f'<a id="convkit-js-link" href="javascript:{attack("javascript-link")}">click me</a>',
    "data-link": "<a id=\"convkit-data-link\" href=\"data:text/html,<script>alert(1)</script>\">data link</a>",
    "form": f'<form action="/api/contents/pwned-form.txt" method="post"><input type="submit" value="go"></form>',
    "base": '<base href="https://attacker.invalid/">',
    "meta-refresh": f'<meta http-equiv="refresh" content="0;url=javascript:{attack("meta")}">',
    "svg-inline": f'<svg xmlns="http://www.w3.org/2000/svg" onload="{attack("svg-inline")}"><circle r="3"/></svg>',
    "object": '<object data="data:text/html,<script>parent.document.title=1</script>"></object>',
    "overlay": ('<div id="convkit-overlay" style="position:fixed;top:0;left:0;width:100vw;height:100vh;'
                'z-index:2147483647;background:#c00">covering the page</div>'),
    "style-block": "<style>body { display: none !important; }</style>",
    "details-ontoggle": f'<details open ontoggle="{attack("details")}"><summary>x</summary></details>',
}
SVG_PAYLOAD = (f'<svg xmlns="http://www.w3.org/2000/svg" onload="{attack("svg")}">'
               f'<script>{attack("svg-script")}</script><circle r="4"/></svg>')
MARKDOWN_OUTPUT = f'<img src="x" onerror="{attack("markdown-output")}"> and [link](javascript:{attack("md-link")})'
LATEX_OUTPUT = f"$\\href{{javascript:{attack('latex')}}}{{click}}$"
MARKDOWN_CELL = (f'Some words, raw HTML: <img src="x" onerror="{attack("markdown-cell")}">\n\n'
                 f"<script>{attack('markdown-script')}</script>\n\n"
                 f"[a link](javascript:{attack('markdown-link')}) and math "
                 f"$\\href{{javascript:{attack('markdown-math')}}}{{x}}$\n")
RAW_CELL = f'<img src="x" onerror="{attack("raw-cell")}">'
PNG_ATTRIBUTE = f'x" onerror="{attack("png-attribute")}'    # a PNG whose data closes the src attribute
PNG_WIDTH = f"1 onerror={attack('width')}"                 # a width the page puts unquoted into <img>

# What must still show, in the output areas of the page.
HARMLESS_TEXT = "convkit harmless printed text"
DATAFRAME_HTML = ('<div>\n<style scoped>\n    .dataframe tbody tr th:only-of-type {\n        vertical-align: middle;\n'
                  '    }\n</style>\n<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n'
                  '      <th></th>\n      <th>loss</th>\n      <th>accuracy</th>\n    </tr>\n  </thead>\n  <tbody>\n'
                  '    <tr>\n      <th>0</th>\n      <td>2.302</td>\n      <td>0.113</td>\n    </tr>\n    <tr>\n'
                  '      <th>1</th>\n      <td>0.412</td>\n      <td>0.931</td>\n    </tr>\n  </tbody>\n</table>\n</div>')
HARMLESS_EQUATION = r"$$\frac{\partial L}{\partial w} = \sum_i x_i\, \delta_i$$"


def payload_cell():
    """A code cell that displays every payload (and nothing the grader needs)."""
    lines = ["from IPython.display import HTML, Javascript, Latex, Markdown, display"]
    lines += [f"display(HTML({html!r}))" for html in HTML_PAYLOADS.values()]
    lines += [f"display({{'image/svg+xml': {SVG_PAYLOAD!r}, 'text/plain': 'an svg'}}, raw=True)",
              f"display(Javascript({attack('javascript-output')!r}))",
              f"display(Markdown({MARKDOWN_OUTPUT!r}))",
              f"display(Latex({LATEX_OUTPUT!r}))",
              "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'x', 'version_major': 2,"
              " 'version_minor': 0}, 'text/plain': 'a widget'}, raw=True)",
              f"display({dict(zip(['image/png', 'text/plain'], [PNG_ATTRIBUTE, 'a png']))!r}, raw=True)",
              f"display({{'image/png': 'iVBORw0KGgo='}}, metadata={{'image/png': {{'width': {PNG_WIDTH!r}}}}},"
              " raw=True)"]
    return nbformat.v4.new_code_cell("\n".join(lines))


def harmless_cell():
    """A code cell with what a notebook legitimately shows: a figure, a table, text and an equation."""
    return nbformat.v4.new_code_cell("\n".join([
        "import matplotlib.pyplot as plt",
        "from IPython.display import HTML, Latex, display",
        "figure, axes = plt.subplots(figsize=(3, 2))",
        "axes.plot([0, 1, 2], [2.3, 0.9, 0.4])",
        "plt.show()",
        f"display(HTML({DATAFRAME_HTML!r}))",
        f"print({HARMLESS_TEXT!r})",
        f"display(Latex({HARMLESS_EQUATION!r}))",
    ]))


def with_payloads(notebook):
    """``notebook`` (a solved release notebook) with the payload and harmless cells, a markdown cell and a raw
    cell of the student's own added at its end."""
    notebook = nbformat.from_dict(notebook)
    raw = nbformat.v4.new_raw_cell(RAW_CELL, metadata={"format": "text/html", "raw_mimetype": "text/html"})
    notebook.cells += [nbformat.v4.new_markdown_cell(MARKDOWN_CELL), payload_cell(), harmless_cell(), raw]
    return notebook


class _LiveHTML(HTMLParser):
    """Collects what would run or reach out in a piece of HTML: scripting tags, event handlers, script and
    non-image data URLs, fixed positions."""

    TAGS = {"script", "iframe", "form", "base", "meta", "object", "embed", "svg", "style", "link", "input"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "srcdoc") and (value.startswith("javascript:") or value.startswith(
                    "data:") and not value.startswith("data:image/")):
                self.found.append(f"{tag} {name}={value[:20]}")
            if name == "style" and "position" in value.replace(" ", ""):
                self.found.append(f"{tag} style={value[:30]}")


def live_html(html):
    parser = _LiveHTML()
    parser.feed(html)
    return parser.found


def run_as_the_student(notebook):
    """``notebook`` after the student's own Run All on their machine (a plain kernel, errors and all): what
    a submission carries, outputs included."""
    from nbclient import NotebookClient

    notebook = nbformat.from_dict(notebook)
    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True).execute()
    return notebook


def dangerous_leftovers(notebook):
    """What of the payloads is still live in a notebook's outputs, markdown and raw cells (empty when inert)."""
    found = []
    for index, cell in enumerate(notebook.cells):
        texts = [cell.source] if cell.cell_type in ("markdown", "raw") else []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("application/javascript", "application/vnd.jupyter.widget-view+json", "image/svg+xml",
                         "text/markdown"):
                if mime in data:
                    found.append(f"cell {index}: a {mime} output")
            texts += [str(data.get(mime, "")) for mime in ("text/html", "text/latex")]
            for mime in ("image/png", "image/jpeg"):
                if mime in data and not BASE64.fullmatch(str(data[mime])):
                    found.append(f"cell {index}: {mime} data that is not base64")
            if any(not isinstance(size, (int, float)) for sizes in output.get("metadata", {}).values()
                   if isinstance(sizes, dict) for size in sizes.values()):
                found.append(f"cell {index}: output metadata that is not a number")
        for text in texts:
            found += [f"cell {index}: {sign}" for sign in live_html(text)]
            found += [f"cell {index}: TeX {command}" for command in TEX_LINK.findall(text)]
    return found
