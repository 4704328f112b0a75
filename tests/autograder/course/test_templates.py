"""nbgrader's HTML pages with the kit's templates: the feedback files and Formgrader's view of
a submission, made by real nbgrader (``generate_feedback``, a running Formgrader) from a graded course."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from nbgrader.api import Gradebook

from autograder.config import ASSIGNMENT, COURSE_ID
from autograder.course import templates
from autograder.course.demo_class import NAMES
from autograder.spec.parts import NOTEBOOK_PARTS

pytestmark = pytest.mark.slow
STUDENT = "ben"  # the demo student with mistakes: long feedback lines
RAW_TEX = re.compile(r"\\(frac|text|sum|lfloor|partial|begin)\b")  # a TeX command MathJax did not typeset


def feedback_pages(course, student=STUDENT):
    return {page.stem + ".ipynb": page for page in sorted((course / "feedback" / student / ASSIGNMENT).glob("*.html"))}


def test_feedback_loads_mathjax_from_beside_it_and_nothing_by_url(graded_course):
    """Does every feedback page load MathJax by a relative name from the one copy beside it (the installed
    package's), stay within half a megabyte, and load nothing else by URL?"""
    pages = feedback_pages(graded_course)
    assert set(pages) == set(NOTEBOOK_PARTS)
    for page in pages.values():
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert [script.get("src") for script in soup.find_all("script") if script.get("src")] == \
            [templates.ASSET_FILES["mathjax"]], page.name
        assert [link.get("href") for link in soup.find_all("link") if link.get("href")] == [], page.name
        assert templates.asset("convkit.css").strip() in [style.string.strip() for style in soup.find_all("style")]
        assert page.stat().st_size <= 512 * 1024, (page.name, page.stat().st_size)
    folder = next(iter(pages.values())).parent
    assert (folder / templates.ASSET_FILES["mathjax"]).read_bytes() == templates.ASSETS["mathjax"].read_bytes()
    assert sorted(p.name for p in folder.glob("*.js")) == [templates.ASSET_FILES["mathjax"]]  # one copy a folder


def test_a_students_feedback_folder_works_wherever_it_is_unpacked(graded_course, chromium, tmp_path):
    """The student's feedback folder zipped and unpacked elsewhere: are its equations still typeset offline?"""
    archive = shutil.make_archive(str(tmp_path / "feedback"), "zip", graded_course / "feedback" / STUDENT)
    unpacked = tmp_path / "home"
    shutil.unpack_archive(archive, unpacked)
    page = chromium.new_page()
    page.route(re.compile(r"^https?://"), lambda route: route.abort())
    page.goto((unpacked / ASSIGNMENT / "03_stride_padding.html").as_uri())
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    assert page.evaluate("() => document.querySelectorAll('mjx-container').length") > 0
    page.close()


@pytest.fixture
def chromium(browser):
    """The session's Chromium (``tests/conftest.py``)."""
    return browser


LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const outputs = [...document.querySelectorAll('div.output_subarea pre')];
  const images = [...document.querySelectorAll('div.output_subarea img')];
  const cells = [...document.querySelectorAll('div.text_cell_render td, div.text_cell_render th')];
  return {
    width, pageWidth: document.documentElement.scrollWidth,
    outputs: outputs.map(pre => ({text: pre.innerText, whiteSpace: getComputedStyle(pre).whiteSpace,
                                  right: pre.getBoundingClientRect().right,
                                  hidden: pre.scrollWidth - pre.clientWidth})),
    images: images.map(img => ({natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
                                right: img.getBoundingClientRect().right})),
    tableBorders: cells.map(cell => getComputedStyle(cell).borderTopStyle + ' ' + getComputedStyle(cell).borderTopWidth),
    equations: document.querySelectorAll('mjx-container').length,
    texErrors: document.querySelectorAll('mjx-merror').length,
    markdown: [...document.querySelectorAll('div.text_cell_render')].map(cell => cell.innerText).join('\\n'),
  };
}"""


@pytest.mark.browser
def test_feedback_page_in_a_browser_offline(graded_course, chromium):
    """Opened from disk with no network, do the feedback pages wrap every output line within the page,
    fit every figure to it, draw the tables' borders and typeset every equation?"""
    page = chromium.new_page(viewport={"width": 900, "height": 900})
    fetched = []
    page.route(re.compile(r"^https?://"), lambda route: (fetched.append(route.request.url), route.abort()))
    scaled, long_lines = 0, 0
    for name, path in feedback_pages(graded_course).items():
        page.goto(path.as_uri())
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        seen = page.evaluate(LAYOUT)
        assert seen["pageWidth"] <= seen["width"], name  # nothing runs off the right edge
        for output in seen["outputs"]:
            assert output["whiteSpace"] == "pre-wrap", name
            assert output["right"] <= seen["width"] and output["hidden"] <= 0, (name, output["text"][:80])
            long_lines += max(len(line) for line in output["text"].splitlines() or [""]) > 120
        for image in seen["images"]:
            assert image["right"] <= seen["width"], name
            scaled += image["natural"] > image["shown"] + 1
        assert seen["tableBorders"] and all(b.startswith("solid") and b != "solid 0px" for b in seen["tableBorders"]), name
        assert seen["equations"] > 0 and seen["texErrors"] == 0, name
        assert not RAW_TEX.search(seen["markdown"]), (name, RAW_TEX.search(seen["markdown"]))
    assert long_lines > 0  # the student's feedback has lines longer than the page is wide
    assert scaled > 0      # and figures wider than the page, shown smaller
    assert fetched == []
    page.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def formgrader(graded_course, tmp_path_factory):
    """A real Jupyter server started in the graded course, with nbgrader's Formgrader; yields a GET function."""
    private = tmp_path_factory.mktemp("jupyter")
    port, token = _free_port(), "convkit-formgrader-test"
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(private / "runtime"), JUPYTER_DATA_DIR=str(private / "data"),
               JUPYTER_CONFIG_DIR=str(private / "config"), HOME=str(private))
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "server", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False", f"--ServerApp.root_dir={graded_course}"],
        cwd=graded_course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def get(path):
        """(final URL, text) of a GET of ``path`` on the server (or of an absolute URL)."""
        url = urllib.parse.urljoin(f"http://127.0.0.1:{port}/", path)
        request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.geturl(), response.read().decode("utf-8", "replace")
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                get("api/status")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "jupyter server did not start"
                time.sleep(0.5)
        yield get
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_formgrader_lists_the_students_by_name(formgrader):
    """Does Formgrader's student list give each graded demo student's name and e-mail (not "None, None")?"""
    _, body = formgrader("formgrader/api/students")
    students = {row["id"]: row for row in json.loads(body)}
    for student in ("ada", STUDENT):
        first, last = NAMES[student]
        assert (students[student]["first_name"], students[student]["last_name"]) == (first, last)
        assert students[student]["email"].startswith(student + "@")


def test_formgrader_finds_the_exchange(formgrader):
    """Does Formgrader's assignment page come without the "exchange directory does not exist" warning?"""
    _, body = formgrader("formgrader/manage_assignments")
    assert "Manage Assignments" in body
    assert 'id="warning-exchange"' not in body


def test_formgrader_submission_has_the_kit_css_and_a_local_mathjax(graded_course, formgrader):
    """Does Formgrader's view of a submission carry the kit's CSS and load MathJax from this server, which serves it?"""
    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}", COURSE_ID) as gradebook:
        submission = gradebook.find_submission_notebook("03_stride_padding", ASSIGNMENT, STUDENT).id
    url, body = formgrader(f"formgrader/submissions/{submission}/")
    soup = BeautifulSoup(body, "html.parser")
    assert templates.asset("convkit.css").strip() in [style.string.strip() for style in soup.find_all("style") if style.string]
    sources = [script["src"] for script in soup.find_all("script") if script.get("src")]
    assert not [src for src in sources if re.match(r"^(https?:)?//", src)], sources
    mathjax = [src for src in sources if "MathJax.js" in src]
    assert len(mathjax) == 1
    _, served = formgrader(urllib.parse.urljoin(url, mathjax[0]))  # relative to the page, as the browser reads it
    assert 'MathJax.version="2.7' in served
    assert "dilate" in body  # the student's feedback line is on the page
