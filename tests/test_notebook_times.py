"""benchmarks/notebook_times.py: cell times from nbclient's metadata; a notebook is timed."""

import pytest

from benchmark_modules import load

# The notebook tools are in the TensorFlow environment (requirements.txt) only.
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")

@pytest.fixture(scope="module")
def times():
    return load("notebook_times")


def test_cell_seconds_read_the_recorded_timing(times):
    cell = {"metadata": {"execution": {"iopub.execute_input": "2026-12-01T10:00:00.5Z",
                                       "shell.execute_reply": "2026-12-01T10:01:02.0Z"}}}
    assert times.cell_seconds(cell) == 61.5
    assert times.cell_seconds({"metadata": {}}) == 0.0


def test_a_notebook_runs_in_a_fresh_folder_and_is_timed(times, tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_RUNS_DIR", "/kept")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import os, time; time.sleep(0.5)", id="wait"),
                      nbformat.v4.new_code_cell("assert os.environ['GANKIT_RUNS_DIR'] != '/kept'",
                                                id="fresh")]
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, path)
    total, cells = times.time_notebook(path)
    assert set(cells) == {"wait", "fresh"} and cells["wait"] >= 0.5 and total >= cells["wait"]
    assert times.os.environ["GANKIT_RUNS_DIR"] == "/kept", "the caller's environment is restored"
