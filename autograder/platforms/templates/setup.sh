#!/usr/bin/env bash
# convkit's grader for a platform (Gradescope runs this once, as root, when it builds the autograder's
# image; a PrairieLearn image runs it from its Dockerfile). It installs what the grading engine needs:
#   * bubblewrap, the sandbox student code runs in (where the container allows user namespaces;
#     elsewhere student code runs as an unprivileged user, and the results say so);
#   * a Python 3.11 or newer, with venv;
#   * the engine's Python packages, pinned as the kit pins them (requirements-grader.txt), into a
#     virtual environment at $CONVKIT_VENV (default /opt/convkit-venv), outside the grader's own
#     files, which are made readable by root only while grading.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${CONVKIT_VENV:-/opt/convkit-venv}"

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
       && "$candidate" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

packages=()
command -v bwrap >/dev/null 2>&1 || packages+=(bubblewrap)
find_python >/dev/null || packages+=(python)
if [ ${#packages[@]} -gt 0 ]; then
  echo "convkit setup: installing ${packages[*]}"
  if command -v apt-get >/dev/null 2>&1; then
    wanted=()
    for package in "${packages[@]}"; do
      if [ "$package" != python ]; then
        wanted+=("$package")
      elif command -v python3 >/dev/null 2>&1 && python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        wanted+=("python3.$(python3 -c 'import sys; print(sys.version_info[1])')-venv")   # Ubuntu 24.04: 3.12
      else
        wanted+=(python3.11 python3.11-venv)                                               # Ubuntu 22.04: 3.10
      fi
    done
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}"
  elif command -v dnf >/dev/null 2>&1; then
    for package in "${packages[@]}"; do
      if [ "$package" = python ]; then package=python3.11; fi
      dnf install -y -q "$package" || echo "convkit setup: $package is not in this system's packages"
    done
  fi
fi

PYTHON="$(find_python)" || { echo "convkit setup: no Python 3.11 or newer with venv" >&2; exit 1; }
command -v bwrap >/dev/null 2>&1 \
  || echo "convkit setup: no bubblewrap; student code will run as an unprivileged user"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements-grader.txt"
chmod -R a+rX "$VENV"
echo "convkit setup: the grader's Python is $VENV ($("$VENV/bin/python" --version))"
