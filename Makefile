# Every target creates the virtual environment on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: test test-wheel lint demo bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The CPU build of torch first: a bare "torch" requirement would pull CUDA packages.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	# timm is a peer the tests and the benchmark compare against; its own requirements would pull a
	# torchvision (and with it another torch), and its scheduler module needs only torch.
	$(PY) -m pip install --quiet --no-deps timm
	touch $@

test: $(VENV)/.installed
	$(PY) -m pytest -q

test-wheel: $(VENV)/.installed
	$(PY) -m pytest -q -m wheel tests/test_wheel.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

demo: $(VENV)/.installed
	$(PY) -m examples.demo

bench: $(VENV)/.installed
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) lightning_logs demo_output .pytest_cache
