"""Shared fixtures: the three real disclosures, read once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from xltools.model import Document
from xltools.read import read_document

FIXTURES = Path(__file__).parent / "fixtures"
SEED_PATHS: dict[str, Path] = {p.name[:3]: p for p in sorted(FIXTURES.glob("*.txt"))}


@pytest.fixture(scope="session")
def docs() -> dict[str, Document]:
    return {k: read_document(p) for k, p in SEED_PATHS.items()}
