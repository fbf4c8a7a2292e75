"""Fixtures shared by the test files."""

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_data_dir():
    """The offline data folder: ../shared/data next to the repository, else GANKIT_DATA_DIR."""
    candidates = [Path(__file__).resolve().parents[2] / "shared" / "data"]
    if os.environ.get("GANKIT_DATA_DIR"):
        candidates.append(Path(os.environ["GANKIT_DATA_DIR"]))
    for folder in candidates:
        if folder.is_dir():
            return folder
    pytest.skip(f"offline data not found in {' or '.join(map(str, candidates))}; "
                "set GANKIT_DATA_DIR to a folder with mnist/ (and letters-standin/).")
