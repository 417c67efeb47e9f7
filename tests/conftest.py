"""Shared fixtures: the three real disclosures, read once per session, and their workbooks
recalculated once per session by each engine."""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import shutil
from pathlib import Path

import pytest

from xltools.engine import FastModel
from xltools.engine.cache import Values
from xltools.model import Document
from xltools.read import read_document

FIXTURES = Path(__file__).parent / "fixtures"
SEED_PATHS: dict[str, Path] = {p.name[:3]: p for p in sorted(FIXTURES.glob("*.txt"))}


@pytest.fixture(scope="session")
def docs() -> dict[str, Document]:
    return {k: read_document(p) for k, p in SEED_PATHS.items()}


# -- Workbooks of the seeds, recalculated once per session by each engine ------------------
# The engine tests (tests/test_engine_*.py) and the workbook tests share these, so no
# recalculation is paid twice: the fast path once per seed (the compiled models are kept for
# incremental tests), LibreOffice once for all seeds, the package's full model once per seed,
# in a background process started with the session (it is the slow one).


def _soffice_or_exit() -> None:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.exit("LibreOffice is not installed; the workbook tests recalculate with it. Install it with:\n"
                    "  sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui fonts-noto-cjk\n"
                    "(macOS: brew install --cask libreoffice), or run `make test`, which does so when root.",
                    returncode=2)


def _full_model_of_seeds(seeds: dict[str, Path], out: Path) -> dict[str, Values]:
    """In a worker process: import each seed without recalculation, then the full model. Only
    the formula cells come back, as plain values (the package's own markers do not pickle)."""
    from xltools.engine.cache import formula_cells
    from xltools.engine.formulas_engine import compute_with_package
    from xltools.render.fill import import_document

    result: dict[str, Values] = {}
    for key, path in seeds.items():
        book = import_document(read_document(path), out / f"{key}_full.xlsx", overwrite=True, recalc=None)
        values = compute_with_package(book)
        result[key] = {s: {a: _plain(values.get(s, {}).get(a)) for a in addrs}
                       for s, addrs in formula_cells(book).items()}
    return result


def _plain(v: object) -> object:
    return str(v) if isinstance(v, str) else v


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that wait for the full model run last, so it has the whole suite's time to finish."""
    items.sort(key=lambda item: "full_model_values" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session", autouse=True)
def _full_model_started(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Starts the full-model recalculation of the seeds at the first test, if any selected test
    needs it, so it runs on the second core while the others run."""
    if not any("full_model_values" in getattr(item, "fixturenames", ()) for item in request.session.items):
        yield None
        return
    pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    future = pool.submit(_full_model_of_seeds, dict(SEED_PATHS), tmp_path_factory.mktemp("full"))
    yield future
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="session")
def full_model_values(_full_model_started: concurrent.futures.Future) -> dict[str, Values]:
    """Seed → every formula cell's value by the `formulas` package's full ExcelModel."""
    return _full_model_started.result()


@pytest.fixture(scope="session")
def seed_workbooks(docs: dict[str, Document], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Seed → its workbook as imported, not recalculated (what every engine starts from)."""
    from xltools.render.fill import import_document

    d = tmp_path_factory.mktemp("seed_workbooks")
    return {k: import_document(doc, d / f"{k}.xlsx", recalc=None) for k, doc in docs.items()}


@pytest.fixture(scope="session")
def seed_models(seed_workbooks: dict[str, Path]) -> dict[str, FastModel]:
    """Seed → its compiled, calculated fast-path model. Shared: a test that changes inputs
    must load its own (`FastModel.load`)."""
    return {k: FastModel.load(p).calculate() for k, p in seed_workbooks.items()}


@pytest.fixture(scope="session")
def seed_books(seed_workbooks: dict[str, Path], seed_models: dict[str, FastModel],
               tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(seed, "formulas") → the workbook with the fast path's values cached; (seed,
    "libreoffice") → a copy recalculated by LibreOffice (one soffice start for all seeds)."""
    from xltools.engine import recalc_many

    _soffice_or_exit()
    d = tmp_path_factory.mktemp("seed_books")
    out: dict[tuple[str, str], Path] = {}
    for key, path in seed_workbooks.items():
        out[(key, "formulas")] = shutil.copy(path, d / f"{key}.xlsx")
        seed_models[key].write(out[(key, "formulas")])
        out[(key, "libreoffice")] = shutil.copy(path, d / f"{key}_lo.xlsx")
    recalc_many([out[(k, "libreoffice")] for k in seed_workbooks], "libreoffice")
    return {k: Path(v) for k, v in out.items()}
