"""Driving JupyterLab and nbgrader's Formgrader in a real headless Chromium (Playwright).

* :class:`JupyterServer`: ``jupyter lab`` from the kit's environment on a free
  loopback port, with a token and its own temporary config, data, runtime and
  home folders (nbgrader's lab and server extensions, installed in the
  environment, stay enabled), started in a given folder.
* :func:`launch_chromium`: Debian's ``chromium`` (Playwright's own browser
  download is not available), quiet on a closed network.
* :class:`Notebook`: open a notebook, Run All and wait until idle, read every
  cell's outputs, type code into a cell, save, nbgrader's Validate.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
CHROMIUM_PACKAGE = "chromium"  # the Debian package that installs /usr/bin/chromium
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A figure helper's call in a notebook cell: conv1d_figures.sliding_window(...) (one style, see
# tests/notebooks/test_worked_solutions.py).
FIGURE_CALL = re.compile(r"\b\w+_figures\.\w+\(")
NOT_WRITTEN = "not written yet"
# The kernel a student with only the release folder has: the kit's environment (NumPy, matplotlib,
# IPython) without the kit's own packages, which `make venv` installs editable into it; so the
# notebooks import the release folder's convkit copy or nothing.
LONE_KERNEL = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if not (getattr(f, '__module__', '') or '').startswith('__editable__')]
sys.path[:] = [p for p in sys.path if '__editable__' not in p]
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


def chromium_path():
    return shutil.which("chromium")


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterServer:
    """A ``jupyter lab`` process serving ``root`` (run in ``cwd``, where nbgrader reads its config)."""

    def __init__(self, root, cwd, private, lone_kernel=False, token="convkit-browser-test", startup_seconds=120):
        self.root, self.cwd, self.token = Path(root), Path(cwd), token
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        private = Path(private)
        dirs = {name: private / name for name in ("config", "data", "runtime", "home", "settings", "workspaces")}
        for folder in dirs.values():
            folder.mkdir(parents=True, exist_ok=True)
        # Every notebook cell in the page (no windowing), so that the whole notebook can be read at once;
        # the notebook's own kernel started without asking (a slow kernel-spec answer otherwise opens a
        # "Select Kernel" dialog over the notebook).
        tracker = dirs["settings"] / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
        tracker.parent.mkdir(parents=True, exist_ok=True)
        tracker.write_text(json.dumps({"windowingMode": "none", "autoStartDefaultKernel": True}))
        # No news feed or update check from a closed network.
        news = dirs["settings"] / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        news.parent.mkdir(parents=True, exist_ok=True)
        news.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        if lone_kernel:
            spec = dirs["data"] / "kernels" / "python3" / "kernel.json"
            spec.parent.mkdir(parents=True)
            spec.write_text(json.dumps({"argv": [sys.executable, "-c", LONE_KERNEL, "-f", "{connection_file}"],
                                        "display_name": "Python 3 (ipykernel)", "language": "python"}))
        env = dict(os.environ, HOME=str(dirs["home"]), JUPYTER_CONFIG_DIR=str(dirs["config"]),
                   JUPYTER_DATA_DIR=str(dirs["data"]), JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
                   JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
                   JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
                   PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))
        env.pop("JUPYTER_PATH", None)
        self.log_path = private / "jupyter.log"
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
             f"--port={self.port}", "--port-retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={self.root}", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
             "jupyterlab.NeverCheckForUpdate"],
            cwd=self.cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_up(startup_seconds)

    def _wait_until_up(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n{self.log()}")
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        raise RuntimeError(f"jupyter lab did not answer within {seconds} s:\n{self.log()}")

    def log(self):
        return self.log_path.read_text(errors="replace")

    def url(self, path):
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def api(self, method, path, timeout=10):
        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return json.loads(body) if body else None

    def close_sessions(self):
        """Shut down every kernel session (between notebooks)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def stop(self):
        if self.process.poll() is None:
            try:
                self.close_sessions()
            except (urllib.error.URLError, OSError):
                pass
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


# What the page shows of each cell, in notebook order (windowing is off: every cell is in the DOM).
_READ_CELLS = r"""
() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')).map(cell => {
  const outputs = Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(out => {
    const img = out.querySelector('img');
    return {
      mime: out.getAttribute('data-mime-type') || '',
      text: out.innerText,
      image: img ? {loaded: img.complete && img.naturalWidth > 0, width: img.naturalWidth,
                    height: img.naturalHeight, shown: img.getBoundingClientRect().width} : null,
      scrolls: out.scrollWidth > out.clientWidth + 1,
    };
  });
  const prompt = cell.querySelector('.jp-InputPrompt');
  return {
    code: cell.classList.contains('jp-CodeCell'),
    prompt: prompt ? prompt.innerText.trim() : '',
    outputs: outputs,
  };
})
"""


class Notebook:
    """One notebook open in JupyterLab in ``page``."""

    def __init__(self, server, page, name, timeout_ms=600_000):
        self.server, self.page, self.name, self.timeout_ms = server, page, name, timeout_ms
        page.goto(server.url(f"/lab/tree/{name}") + "&reset", wait_until="domcontentloaded")
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
        self.wait_for_kernel()

    def wait_for_kernel(self, seconds=120):
        """Until the server has a kernel for this notebook, idle, and the page shows it idle."""
        deadline = time.monotonic() + seconds
        while not any(session["path"].endswith(self.name) and session.get("kernel")
                      and session["kernel"].get("execution_state") == "idle"
                      for session in self.server.api("GET", "/api/sessions")):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no idle kernel for {self.name} after {seconds} s")
            self.page.wait_for_timeout(250)
        self.page.wait_for_function(
            "() => { const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
            ".jp-Notebook-ExecutionIndicator'); return s && s.getAttribute('data-status') === 'idle'; }",
            timeout=120_000)

    def run_all(self):
        """Run > Run All Cells; wait until every cell has run and the kernel is idle; return the seconds."""
        page = self.page
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        item = page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$"))
        item.wait_for()
        started = time.perf_counter()
        item.click()
        # The run has started once a prompt shows [*] or the kernel is busy; it has ended when no
        # prompt shows [*], the kernel is idle and no code cell is left unrun (an empty prompt).
        page.wait_for_function(
            r"""() => {
              const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
              const prompts = Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
                .map(p => p.innerText.trim());
              const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
              const idle = status && status.getAttribute('data-status') === 'idle';
              return idle && !prompts.some(p => p.includes('*'));
            }""", timeout=self.timeout_ms, polling=200)
        seconds = time.perf_counter() - started
        self.wait_for_images()
        return seconds

    def wait_for_images(self):
        """Until every image in the notebook has been decoded (or failed to)."""
        self.page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
            ".jp-OutputArea-output img')).every(img => img.complete)", timeout=30_000)

    def screenshot_cells(self, indices, folder, prefix):
        """A picture of each of these cells (for a person to look at); returns the paths."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for index in indices:
            cell = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)
            cell.scroll_into_view_if_needed()
            path = folder / f"{prefix}-cell{index:02d}.png"
            cell.screenshot(path=str(path))
            paths.append(path)
        return paths

    def cells(self):
        return self.page.evaluate(_READ_CELLS)

    def type_into_cell(self, index, code):
        """Replace the source of cell ``index`` (in notebook order) with ``code``, as a student types it."""
        cell = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)
        cell.scroll_into_view_if_needed()
        editor = cell.locator(".cm-content")
        editor.click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(code)
        self.page.keyboard.press("Escape")
        self.page.wait_for_function(
            "([i, n]) => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')[i]"
            ".querySelector('.cm-content').innerText.split('\\n').length >= n",
            arg=[index, code.count("\n") + 1])

    def save(self):
        """Ctrl+S, until the tab no longer shows unsaved changes."""
        self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").click(position={"x": 5, "y": 5})
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+s")
        self.page.wait_for_function(
            "() => !document.querySelector('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current.jp-mod-dirty')",
            timeout=30_000)

    def validate(self, timeout_ms=600_000):
        """nbgrader's Validate button; returns the text of the dialog it opens (and closes it)."""
        page = self.page
        button = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar").get_by_text("Validate", exact=True)
        button.click()
        dialog = page.locator(".jp-Dialog")
        # nbgrader first shows a "Validating..." state; the result dialog has an OK button.
        dialog.locator(".jp-Dialog-button").first.wait_for(timeout=timeout_ms)
        page.wait_for_function(
            "() => { const d = document.querySelector('.jp-Dialog'); "
            "return d && !/^\\s*Validating/.test(d.innerText) && d.querySelector('.jp-Dialog-body'); }",
            timeout=timeout_ms)
        text = dialog.inner_text()
        return text

    def close_dialog(self):
        self.page.locator(".jp-Dialog .jp-Dialog-button").last.click()
        self.page.locator(".jp-Dialog").wait_for(state="detached")


def notebook_cells(path):
    """The notebook file's cells (nbformat), in order."""
    import nbformat
    return nbformat.read(str(path), as_version=4).cells


def figure_cells(path):
    """Indices of the code cells that call a figure helper."""
    return [i for i, cell in enumerate(notebook_cells(path))
            if cell.cell_type == "code" and FIGURE_CALL.search(cell.source)]


def images(cell):
    return [out["image"] for out in cell["outputs"] if out["image"]]


def error_texts(cell):
    """The text of every stderr stream or error (traceback) output of a cell, as the page shows it."""
    return [out["text"] for out in cell["outputs"]
            if "stderr" in out["mime"] or "error" in out["mime"]]


def solution_cells(path):
    """``[(cell index, function name)]`` for the notebook's solution cells (nbgrader's ``solution: true``)."""
    import ast

    from nbgrader import utils
    return [(i, ast.parse(cell.source).body[0].name) for i, cell in enumerate(notebook_cells(path))
            if cell.cell_type == "code" and utils.is_solution(cell)]


def correct_code(function):
    """A correct loop implementation of ``function``, as the demo class's honest student writes it."""
    from autograder.course.demo_class import HONEST, function_source
    return function_source(HONEST, function)
