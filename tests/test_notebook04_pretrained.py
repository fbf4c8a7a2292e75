"""Notebook 04's verdict handles every pretrained generator, shipped or not.

Only the vanilla generator ships today, so running the notebook never reaches the conditional
comparison (per-digit PPCA against the CCGAN). Here the cells of section 5 run, in this process,
against a weights folder that holds the shipped vanilla generator and an untrained narrow CCGAN
(exported as ``benchmarks/quality.py --export`` would), and no DCGAN recipe: the CCGAN pair is
judged on the conditional accuracy too, the plain DCGAN (trained by the notebook, as notebook
02 trains it) against the one-model PPCA, and the missing recipe is named, not judged (without
its clusters there is no mixture of PPCAs to fit).
"""

import json
import pathlib
import shutil
from pathlib import Path

import keras
import matplotlib
import pytest

pytest.importorskip("IPython")  # the notebook's cells display Markdown; not in the JAX environment

from benchmark_modules import load
from gankit import pretrained, recipes

export = load("export")

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_ppca_baseline.ipynb"
# The cells the verdict needs, in notebook order: data, k_show, the per-digit rows, section 5.
CELLS = ("imports", "load-data", "per-class", "scores", "pretrained", "plain",
         "unconditional", "mixture", "verdict-table", "verdict")
SMALL_CCGAN = {**recipes.RECIPES["ccgan"], "generator": {"filters": (32, 16, 8)},
               "discriminator": {"filters": (8, 16)}}


@pytest.fixture
def weights(tmp_path, shared_data_dir, monkeypatch):
    """A weights folder with the shipped vanilla generator and an untrained CCGAN."""
    monkeypatch.setenv("GANKIT_DATA_DIR", str(shared_data_dir))
    folder = tmp_path / "weights"
    folder.mkdir()
    for path in pretrained.paths("vanilla"):
        shutil.copy(path, folder / path.name)
    info = {"recipe": SMALL_CCGAN, "setting": "quick", "epochs": 0, "batch_size": 64, "seed": 0,
            "backend": keras.backend.backend(), "train_seconds": 0.0}
    export.export(recipes.build(SMALL_CCGAN, seed=3), "ccgan", info, folder=folder,
                      n_samples=200)
    monkeypatch.setattr(pretrained, "FOLDER", folder)
    return folder


def test_the_verdict_judges_every_shipped_gan_and_names_the_missing(weights, tmp_path,
                                                                    monkeypatch):
    assert pretrained.available() == ["vanilla", "ccgan"]
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    monkeypatch.setenv("GANKIT_SETTING", "quick")
    monkeypatch.setenv("GANKIT_FIGURES_DIR", str(tmp_path / "figures"))
    monkeypatch.setenv("GANKIT_RUNS_DIR", str(tmp_path / "runs"))
    cells = {cell["id"]: "".join(cell["source"])
             for cell in json.loads(NOTEBOOK.read_text())["cells"]}
    import gankit
    namespace = {"gankit": gankit, "pathlib": pathlib}  # as the setup cell leaves them
    for cell_id in CELLS:
        exec(compile(cells[cell_id], f"notebook 04, cell {cell_id}", "exec"), namespace)
    matplotlib.pyplot.close("all")

    gans, ours, lines = namespace["gans"], namespace["ours"], namespace["lines"]
    n = namespace["settings"].n_samples
    assert set(gans) == {"vanilla", "dcgan_plain", "ccgan"} and namespace["missing"] == ["dcgan"]
    assert {row["n"] for row in (*gans.values(), *ours.values())} == {n}, "scored alike"
    assert "conditional_accuracy" in gans["ccgan"] and "conditional_accuracy" not in gans["vanilla"]

    by_gan = {name: next(line for line in lines if line.startswith(f"- **the {name}"))
              for name in ("fully connected GAN", "plain DCGAN", "DCGAN recipe", "CCGAN")}
    for name in ("fully connected GAN", "plain DCGAN"):
        assert "against PPCA, one model" in by_gan[name] and "better on" in by_gan[name]
    assert "PPCA per digit" in by_gan["CCGAN"] and "conditional accuracy" in by_gan["CCGAN"]
    assert "not judged" in by_gan["DCGAN recipe"] and "not judged" not in by_gan["CCGAN"]
    assert "ppca_mixture" not in ours
    plain = gans["dcgan_plain"]
    assert plain["source"] == "notebook 02's run"
    assert plain["epochs"] == namespace["settings"].epochs["dcgan_plain"]

    conditional = namespace["table"](namespace["rows_against"]("ppca_per_digit"))
    assert "CCGAN (pretrained)" in conditional and "fully connected" not in conditional
    assert "0 epochs" in conditional  # the training cost comes from the provenance record
