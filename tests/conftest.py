"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

pytest_plugins = ["tests.postgres"]

REPO = Path(__file__).resolve().parents[1]
CORPUS = (REPO.parent / "shared" / "corpus").resolve()


def need(reason: str) -> NoReturn:
    """Skip for a missing prerequisite; fail instead when running in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared sample corpus, read in place (never copied into the project)."""
    if not (CORPUS / "PROVENANCE.md").is_file():
        need(f"the sample corpus is not at {CORPUS}")
    return CORPUS
