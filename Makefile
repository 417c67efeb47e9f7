PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench install clean libreoffice bundle

# uv installs the same requirements as pip in a third of the time (on the 2-core machine, from
# nothing cached: 10 s against 26-33 s, pip resolving on one core); pip does it wherever uv
# cannot be had. uv comes from the interpreter's own pip, beside the venv (.venv/uv), so the
# venv is made without pip: ensurepip's copy (23.2) would be replaced at once, and making it
# took 3 s of the 11. pip is installed in the venv either way, today's: bundle/build.py
# downloads with it, and 23.2 takes twice the CPU for the same bundle. xltools' own bytecode
# is compiled here, on both cores, once: else both test workers compile it at once.
$(BIN)/xltools: pyproject.toml
	$(PY) -m venv --without-pip $(VENV)
	@if $(PY) -m pip install -q --target $(VENV)/uv uv >/dev/null 2>&1 && $(VENV)/uv/bin/uv --version >/dev/null 2>&1; then \
		echo "uv pip install -e '.[test]'"; \
		$(VENV)/uv/bin/uv pip install -q --python $(BIN)/python pip -e '.[test]'; \
	else \
		echo "pip install -e '.[test]'"; \
		$(BIN)/python -m ensurepip >/dev/null && $(BIN)/python -m pip install -q --upgrade pip && \
		$(BIN)/python -m pip install -q -e '.[test]'; \
	fi
	$(BIN)/python -m compileall -q -j 0 xltools >/dev/null
	touch $(BIN)/xltools

install: $(BIN)/xltools

demo: install
	$(BIN)/xltools demo demo

# Calc recalculates the workbooks; Writer prints the tests' .docx to PDF (tests/docgen.py); Draw
# opens the annotated PDF (tests/test_annotate.py);
# python3-uno lets the suite keep one LibreOffice listening instead of starting one per file.
LO_PACKAGES := libreoffice-calc-nogui libreoffice-writer-nogui libreoffice-draw-nogui python3-uno fonts-noto-cjk poppler-utils

# Both cores (pytest-xdist): what several modules need is built once for the run (tests/built.py).
# Bytecode kept between runs (__pycache__, ignored by git) even where PYTHONDONTWRITEBYTECODE is
# set: else each worker and each `xltools` process a test starts compiles every module and
# rewrites every test module again (collecting the suite: 4.6 s of CPU against 2.1 s).
test: install libreoffice
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto

# The workbook tests recalculate with LibreOffice. Installed here when root with apt (as
# .ci/run does); otherwise stop before any test runs and name the command to run.
libreoffice:
	@if { command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; } && \
	    { ! command -v dpkg >/dev/null 2>&1 || { { dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || \
	      dpkg -s libreoffice-writer >/dev/null 2>&1; } && { dpkg -s libreoffice-draw-nogui >/dev/null 2>&1 || \
	      dpkg -s libreoffice-draw >/dev/null 2>&1; } && dpkg -s python3-uno >/dev/null 2>&1; }; }; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing LibreOffice for the workbook tests (apt-get install $(LO_PACKAGES))"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(LO_PACKAGES) >/dev/null; \
	else \
		echo "LibreOffice (Calc, Writer, Draw and its Python bridge python3-uno) is not installed; the workbook and PDF tests use it. Install it, then run make test again:"; \
		if command -v apt-get >/dev/null 2>&1; then echo "  sudo apt-get install -y --no-install-recommends $(LO_PACKAGES)"; \
		elif command -v brew >/dev/null 2>&1; then echo "  brew install --cask libreoffice"; \
		else echo "  install LibreOffice (https://www.libreoffice.org/download/) so that soffice is on PATH"; fi; \
		exit 2; \
	fi

# The offline bundle for Windows (wheels for Python 3.11-3.13, add-in, VBA, ribbon, install.bat):
# dist/xltools-VERSION-windows/ and its .zip. Needs PyPI; downloads are kept in dist/wheel-cache.
bundle: install
	$(BIN)/python bundle/build.py

# Each command against its target (PASS/MISS): recalc vs LibreOffice, import, check FILE.pdf
# (bench/bench_commands.py; a few minutes), after reading + checking each seed in-process.
bench: install
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_commands.py

clean:
	rm -rf $(VENV) demo
