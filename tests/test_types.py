"""Type hints are checked, not only written: mypy over the package finds no error, and it
checks the code that touches openpyxl against openpyxl's types (types-openpyxl, in the test
extra), not against an unknown module it would let pass."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from built import locked

ROOT = Path(__file__).resolve().parent.parent
# mypy's incremental cache kept between runs in the temporary directory (never the user's
# cache, never the tree): mypy checks again every module whose source, or whose imports'
# interface, changed since (by hash), so a kept cache gives the verdict a fresh one gives, for
# a tenth of the CPU (the module: 7.4 CPU-s cold, 0.8 warm). One folder per check, each held
# under a lock: two suites run at once never write the same cache together.
MYPY_CACHE = Path(tempfile.gettempdir()) / "xltools-tests-mypy"


def _mypy(target: str, cache: str) -> subprocess.CompletedProcess[str]:
    MYPY_CACHE.mkdir(exist_ok=True)
    with locked(MYPY_CACHE / f"{cache}.lock"):
        return subprocess.run([sys.executable, "-m", "mypy", target, "--ignore-missing-imports",
                               "--cache-dir", str(MYPY_CACHE / cache)], cwd=ROOT, capture_output=True, text=True)


def test_mypy_finds_no_error_in_the_package() -> None:
    run = _mypy("xltools", "package")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found" in run.stdout


# A deliberate mistake only openpyxl's types reveal: get_column_letter gives a str. Without
# the stubs mypy takes openpyxl as untyped (--ignore-missing-imports) and reports nothing,
# and the package check above would pass however the workbook code used openpyxl.
PROBE = """from openpyxl.utils import get_column_letter

letter: int = get_column_letter(3)
"""


def test_mypy_knows_openpyxls_types(tmp_path: Path) -> None:
    probe = tmp_path / "openpyxl_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    run = _mypy(str(probe), "probe")
    assert 'openpyxl_probe.py:3: error: Incompatible types in assignment (expression has type "str", ' \
           'variable has type "int")' in run.stdout, (
        "mypy does not see openpyxl's types: install the test extra (pip install -e .[test], "
        "which has types-openpyxl)\n" + run.stdout + run.stderr)
    assert run.returncode == 1
