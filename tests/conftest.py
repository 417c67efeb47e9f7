"""Shared fixtures: the three real disclosures, read once per session, their workbooks built
and recalculated once per run by each engine, and one listening LibreOffice per worker."""
from __future__ import annotations

import gc
import os
import zipfile
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from built import digest, once
from reference import reference
from xltools.workbook.engine import FastModel, office
from xltools.workbook.engine.cache import Values
from xltools.core.model import Document
from xltools.workbook.structure import SHEET as STRUCTURE_SHEET
from xltools.read import Extracted, extract_file
from xltools.rules.reading import read_document, read_extracted
from xltools.workbook.safe_xml import install_in_openpyxl

# The tests load workbooks with openpyxl directly, as often as through the package: the same
# vetted parser for both (the package installs it on importing its openpyxl adapter).
install_in_openpyxl()

# The store of compiled templates (engine/template_store.py) in a folder of the tests' own,
# not the user's cache: the suite neither reads what another version left there nor adds to it.
os.environ["XLTOOLS_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "xltools-tests-cache")

# The suite's processes make and drop hundreds of thousands of objects a test (documents,
# workbooks, models) while they hold the session's shared ones: at Python's default thresholds
# the cycle collector ran 22,000 times in the corruption walks alone, a seventh of their CPU
# (measured in turn: 0.86 of the time collected less often). Run less often, as the reader runs
# it while pdfminer parses (read/pdf_text.py); the workbook modules' peak memory grows by a
# tenth.
gc.set_threshold(50_000, 20, 10)

ROOT = Path(__file__).parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED_PATHS: dict[str, Path] = {p.name[:3]: p for p in sorted(FIXTURES.glob("*.txt"))}


@pytest.fixture(scope="session")
def docs() -> dict[str, Document]:
    return {k: read_document(p) for k, p in SEED_PATHS.items()}


# -- Workbooks of the seeds, built and recalculated once per run by each engine -----------
# Built once for the whole run (tests/built.py): every module and both xdist workers share
# them. The fast path's compiled models are kept per process (they do not pickle); the
# package's full model runs once per seed, in whichever worker first asks for that seed.


def _soffice_or_exit() -> None:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.exit("LibreOffice is not installed; the workbook tests recalculate with it. Install it with:\n"
                    "  sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui fonts-noto-cjk\n"
                    "(macOS: brew install --cask libreoffice), or run `make test`, which does so when root.",
                    returncode=2)


@pytest.fixture(scope="session", autouse=True)
def _one_libreoffice() -> Iterator[None]:
    """One LibreOffice kept listening for the whole session (per worker), started at the first
    conversion: each further file costs only its own work, not a start of soffice."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        yield
        return
    with office.listening(exe):
        yield


def _plain(v: object) -> object:
    return str(v) if isinstance(v, str) else v


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that wait for the full model run last: the other worker goes on meanwhile. When
    its values must be computed (none shipped under their key: tests/reference.py), the largest
    seed first: three seeds on two workers end soonest so (a run cold on 000, 001, 003 took
    27, 52 and 66 CPU-s; in seed order one worker drew 000 then 001, the other 003)."""
    def cost(item: pytest.Item) -> tuple[bool, int]:
        if "full_model_values" not in getattr(item, "fixturenames", ()):
            return False, 0
        callspec = getattr(item, "callspec", None)
        seed = callspec.params.get("seed") if callspec is not None else None
        return True, -(SEED_PATHS[seed].stat().st_size if seed in SEED_PATHS else 0)
    items.sort(key=cost)


@pytest.fixture(scope="session")
def full_model_values(seed_workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
                      ) -> Callable[[str], Values]:
    """Seed → every formula cell's value by the `formulas` package's full ExcelModel (the slow
    reference: computed once per seed, on first request, unless shipped under the same key in
    tests/reference/, see tests/reference.py). Only the formula cells, as plain values."""
    def of(key: str) -> Values:
        path = seed_workbooks[key]
        values: Values = once(tmp_path_factory, f"full-model-{key}",
                              lambda _: reference(f"full-model-{key}", "full-model", full_model_key(path),
                                                  lambda: _full_model(path)))
        return values
    return of


def _full_model(path: Path) -> Values:
    from xltools.workbook.engine.cache import formula_cells
    from xltools.workbook.engine.formulas_engine import compute_with_package

    values = compute_with_package(path)
    return {s: {a: _plain(values.get(s, {}).get(a)) for a in addrs} for s, addrs in formula_cells(path).items()}


def _sheet_part(z: "zipfile.ZipFile", name: str) -> str | None:
    """The part of the sheet named `name` in an open workbook (xl/worksheets/sheetN.xml)."""
    import re

    book = z.read("xl/workbook.xml").decode("utf-8")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    found = re.search(r'<sheet [^>]*name="' + re.escape(name) + r'"[^>]*r:id="([^"]+)"', book)
    target = re.search(r'Id="' + re.escape(found.group(1)) + r'"[^>]*Target="([^"]+)"', rels) if found else None
    if target is None:
        target = re.search(r'Target="([^"]+)"[^>]*Id="' + re.escape(found.group(1)) + '"', rels) if found else None
    return None if target is None else "xl/" + target.group(1).removeprefix("/xl/")


def full_model_key(path: Path) -> str:
    """What the full model's values of `path` depend on: every part of the workbook but its
    timestamps (docProps), the versions of `formulas` and what it computes with, and the source
    of the adapter that runs it. The same key, the same values: the package is deterministic,
    so a later run compares against what it computed then (tests/built.py `kept`)."""
    import inspect
    import sys
    import zipfile
    from importlib.metadata import version

    import xltools.workbook.engine as engine

    # The workbook names the text it was read from (on its cover, and in its hidden structure,
    # which no formula reads): the checkout's own folder is left out, so that a clone elsewhere
    # (CI's) finds the values shipped.
    here = {str(ROOT).encode("utf-8"), os.path.realpath(ROOT).encode("utf-8")}

    def part(data: bytes) -> bytes:
        for root in here:
            data = data.replace(root, b"<checkout>")
        return data

    with zipfile.ZipFile(path) as z:
        structure = _sheet_part(z, STRUCTURE_SHEET)
        parts = [x for n in sorted(z.namelist()) if not n.startswith("docProps/") and n != structure
                 for x in (n, part(z.read(n)))]
    code = [(Path(engine.__file__).parent / f"{m}.py").read_text(encoding="utf-8")
            for m in ("formulas_engine", "scalar", "cache", "scipy_defer")]
    versions = [f"{d} {version(d)}" for d in ("formulas", "schedula", "numpy", "openpyxl")]
    return digest(*parts, *code, *versions, sys.version.split()[0], inspect.getsource(_full_model), inspect.getsource(_plain))


@pytest.fixture(scope="session")
def seed_workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Seed → its workbook as imported, not recalculated (what every engine starts from)."""
    from xltools.workbook.import_file import import_document

    def build(d: Path) -> dict[str, Path]:
        return {k: import_document(read_document(p), d / f"{k}.xlsx", recalc=None) for k, p in SEED_PATHS.items()}
    return once(tmp_path_factory, "seed-workbooks", build)


@pytest.fixture(scope="session")
def seed_models(seed_workbooks: dict[str, Path]) -> dict[str, FastModel]:
    """Seed → its compiled, calculated fast-path model. Shared: a test that changes inputs
    must load its own (`FastModel.load`)."""
    return {k: FastModel.load(p).calculate() for k, p in seed_workbooks.items()}


@pytest.fixture(scope="session")
def seed_books(seed_workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
               ) -> dict[tuple[str, str], Path]:
    """(seed, "formulas") → the workbook with the fast path's values cached; (seed,
    "libreoffice") → a copy recalculated by LibreOffice; (seed, "libreoffice-file") → the file
    LibreOffice wrote for it, which the values were read from."""
    _soffice_or_exit()

    return once(tmp_path_factory, "seed-books", lambda d: both_engines(seed_workbooks, d, keep_written=True))


def both_engines(plain: dict[str, Path], d: Path, keep_written: bool = False) -> dict[tuple[str, str], Path]:
    """(name, "formulas") → a copy of each workbook with the fast path's values cached;
    (name, "libreoffice") → a copy recalculated by LibreOffice (recalc_many; `keep_written`:
    by the .xlsx route, which keeps (name, "libreoffice-file"), the file LibreOffice wrote,
    as it was converted: test_saved_values reads it, test_office_values compares with it)."""
    from xltools.workbook.engine import libreoffice_engine, recalc_many, store

    out: dict[tuple[str, str], Path] = {}
    for key, path in plain.items():
        out[(key, "formulas")] = Path(shutil.copy(path, d / f"{key}.xlsx"))
        FastModel.load(path).calculate().write(out[(key, "formulas")])
        out[(key, "libreoffice")] = Path(shutil.copy(path, d / f"{key}_lo.xlsx"))
    books = [out[(k, "libreoffice")] for k in plain]
    if not keep_written:
        recalc_many(books, "libreoffice")
        return out
    # What recalc_many does when no LibreOffice is listening: one conversion, the values read
    # from the written files and stored.
    (d / "written").mkdir()
    for key, book, file in zip(plain, books, libreoffice_engine.convert(books, d / "written")):
        out[(key, "libreoffice-file")] = Path(shutil.copy(file, d / f"{key}_lo_written.xlsx"))
        store(book, libreoffice_engine._values(file))
    return out


@pytest.fixture(scope="session")
def pressed_000(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[str]]:
    """Seed 000 imported by the 导入文本 button into an empty workbook (xlwings' remote engine,
    tests/excel_harness.py), recalculated: (the file, the button's message, the alerts shown).
    Read-only: a test that changes it works on a copy."""
    from excel_harness import empty_workbook, press
    from xltools.excel import buttons

    def build(d: Path) -> tuple[Path, str, list[str]]:
        path = empty_workbook(d / "book.xlsx")
        msg, seen = press(path, buttons.import_file, str(SEED_PATHS["000"]))
        return path, msg, list(seen["alerts"])
    return once(tmp_path_factory, "pressed-000", build)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """With XLT_TIMELINE=FILE: each test's worker, start, end and CPU seconds appended to FILE
    (for seeing how the run shares the cores; see the README's Speed section)."""
    where = os.environ.get("XLT_TIMELINE")
    start, cpu = time.time(), _cpu()
    yield
    if where:
        with open(where, "a", encoding="utf-8") as out:
            out.write(f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}\t{start:.2f}\t{time.time():.2f}\t{item.nodeid}"
                      f"\t{_cpu() - cpu:.2f}\n")


def _cpu() -> float:
    """CPU seconds of this process and of the child processes it has waited for (a kept
    LibreOffice listener is not among them until it ends)."""
    try:
        import resource
    except ImportError:  # Windows
        return time.process_time()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.fixture(scope="session")
def built() -> dict[str, tuple[Path, Path]]:
    """Seed → its Word file and the PDF LibreOffice prints of it (tests/docgen.py)."""
    import docgen

    try:
        return docgen.build(dict(SEED_PATHS))
    except Exception as exc:  # Writer missing: soffice starts but converts nothing
        pytest.fail(f"LibreOffice could not convert .docx to PDF ({exc}): install libreoffice-writer-nogui "
                    "(make test does so when root)", pytrace=False)


class SeedReader:
    """Seed → its PDF read: the extracted lines and the document, once per run (tests/built.py);
    `shared_pages(seed)`: how many pages the other process of that reading gave back."""

    def __init__(self, built: dict[str, tuple[Path, Path]], factory: pytest.TempPathFactory) -> None:
        self._built = built
        self._factory = factory

    def __call__(self, key: str) -> tuple[Extracted, Document]:
        extracted, doc, _ = self._read(key)
        return extracted, doc

    def shared_pages(self, key: str) -> list[int]:
        """The pages each sharing of the reading came back with (its `_read_shared` runs: [45]
        for 000, its pages read by two processes without falling back to one)."""
        return self._read(key)[2]

    def _read(self, key: str) -> tuple[Extracted, Document, list[int]]:
        def build(_: Path) -> tuple[Extracted, Document, list[int]]:
            from xltools.read import pdf_text

            pdf = self._built[key][1]
            runs: list[int] = []
            real = pdf_text._read_shared

            def shared(data: bytes, pages: list[object]) -> object:
                out = real(data, pages)  # type: ignore[arg-type]
                runs.append(0 if out is None else len(out))
                return out

            # Read as a machine of two cores or more reads it (the pages shared by two processes,
            # whatever this one has): the very reading test_extract_pdf_shared compares with one
            # process's, and the one `xltools extract` gives (test_extract_pdf).
            with pytest.MonkeyPatch.context() as m:
                m.setattr(pdf_text, "_processes", lambda pages: (2, "fork"))
                m.setattr(pdf_text, "_read_shared", shared)
                extracted = extract_file(pdf)
            return extracted, read_extracted(extracted, str(pdf)), runs
        got: tuple[Extracted, Document, list[int]] = once(self._factory, f"pdf-read-{key}", build)
        return got


@pytest.fixture(scope="session")
def read(built: dict[str, tuple[Path, Path]], tmp_path_factory: pytest.TempPathFactory) -> SeedReader:
    """Seed → its PDF read: the extracted lines and the document (once per run, tests/built.py)."""
    return SeedReader(built, tmp_path_factory)
