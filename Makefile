# convkit: every target sets itself up (creates .venv from requirements.txt when missing).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test demo release solutions bench venv clean

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	# Make the kit's packages importable from any folder (Jupyter kernels run in
	# the notebook's folder) without building anything: a .pth file.
	echo "$(CURDIR)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/convkit-repo.pth"
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest

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

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
