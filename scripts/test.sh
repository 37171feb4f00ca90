#!/usr/bin/env bash
# Set up a virtual environment with the test extras and run the whole test suite (the README's
# test command; .ci/run calls this same file). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
# two worker processes (pytest-xdist): the suite is mostly single-threaded and CI has two cores
.venv/bin/python -m pytest -n 2 "$@"
