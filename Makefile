# convkit: every target sets itself up (creates .venv from requirements.txt when missing).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: system-packages test test-fast demo release solutions bench venv clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# The pinned packages, then the kit itself in editable mode (the last line of
	# requirements.txt): autograder, convkit and solutions import from any folder.
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	# A venv made before the kit was a project put the whole repository on the path.
	rm -f "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/convkit-repo.pth"
	touch $(STAMP)

# The Debian packages the real-component tests use (sandbox, browser, PostgreSQL):
# installed when missing and run as root; otherwise those tests skip, naming the package.
system-packages:
	bash scripts/system-packages

# Every core: pytest-xdist, each test file (or set of files sharing an expensive fixture) on one
# worker (the groups are in tests/conftest.py).
PARALLEL := -n auto

test: $(STAMP) system-packages
	$(PY) -m pytest $(PARALLEL)

# A quick check while working: the tests not marked slow (about a minute).
test-fast: $(STAMP)
	$(PY) -m pytest $(PARALLEL) -m "not slow"

demo: $(STAMP)
	$(PY) -m autograder demo

release: $(STAMP)
	$(PY) -m autograder release

solutions: $(STAMP)
	$(PY) -m autograder solutions

bench: $(STAMP)
	$(PY) -m bench.reference_speed
	$(PY) -m bench.training
	$(PY) -m bench.honest_student
	$(PY) -m bench.grading_throughput
	$(PY) -m bench.cluster_throughput
	$(PY) -m bench.platform_exports

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
