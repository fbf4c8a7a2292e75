"""The command line: ``python -m gankit train`` writes every promised file and resumes."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gankit import cli, config

REPO = Path(__file__).resolve().parents[1]
PROMISED = ("samples.png", "losses.png", "gan.weights.h5", "generator.weights.h5",
            "samples.npz", "log.csv", "checkpoint")


def _env(data_dir, figures_dir):
    env = dict(os.environ, GANKIT_DATA_DIR=str(data_dir), GANKIT_FIGURES_DIR=str(figures_dir),
               TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("GANKIT_QUICK", None)  # --quick alone must choose the quick setting
    return env


def _gankit(args, env):
    return subprocess.run([sys.executable, "-m", "gankit", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def first_run(shared_data_dir, tmp_path_factory):
    """One epoch of the vanilla GAN in quick mode, as a separate process."""
    if not (Path(shared_data_dir) / "mnist").is_dir():
        pytest.skip(f"no mnist/ folder in {shared_data_dir}")
    tmp = tmp_path_factory.mktemp("cli")
    out = tmp / "run"
    result = _gankit(["train", "vanilla", "--quick", "--epochs", "1", "--out", str(out)],
                     _env(shared_data_dir, tmp / "figures"))
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout + result.stderr


@pytest.fixture
def quick_in_process(shared_data_dir, tmp_path, monkeypatch):
    """Environment for calling ``cli.main`` in this process (restored afterwards)."""
    monkeypatch.setenv("GANKIT_DATA_DIR", str(shared_data_dir))
    monkeypatch.setenv("GANKIT_FIGURES_DIR", str(tmp_path / "figures"))
    monkeypatch.setenv("GANKIT_QUICK", "1")  # --quick sets it; monkeypatch restores it


def test_train_writes_every_promised_file(first_run):
    out, _ = first_run
    missing = [name for name in PROMISED if not (out / name).exists()]
    assert not missing, f"missing in {out}: {missing}"
    assert (out / "checkpoint").is_dir() and any((out / "checkpoint").iterdir())
    for name in PROMISED[:-1]:
        assert (out / name).stat().st_size > 0, name


def test_samples_npz_holds_the_quick_number_of_uint8_images(first_run):
    out, _ = first_run
    with np.load(out / "samples.npz") as saved:
        assert list(saved.files) == ["images"]
        images = saved["images"]
    assert images.dtype == np.uint8
    assert images.shape == (config.settings("quick").n_samples, 28, 28)
    assert images.std() > 0, "all samples are one flat colour"


def test_log_has_one_row_per_epoch_with_the_losses(first_run):
    out, _ = first_run
    header, *rows = (out / "log.csv").read_text().strip().splitlines()
    assert {"epoch", "d_loss", "g_loss", "d_real", "d_fake"} <= set(header.split(","))
    assert len(rows) == 1


def test_train_prints_progress(first_run):
    _, output = first_run
    steps = config.settings("quick").n_train // config.settings("quick").batch_size["dcgan"]
    assert f"{steps}/{steps}" in output, "no progress bar"
    assert "d_loss" in output and "Trained in" in output


def test_second_run_resumes_and_honours_n_samples(first_run, quick_in_process, capsys):
    out, _ = first_run
    assert cli.main(["train", "vanilla", "--quick", "--epochs", "2", "--n-samples", "50",
                     "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Resuming" in printed and "1 epoch" in printed
    header, *rows = (out / "log.csv").read_text().strip().splitlines()
    assert [row.split(",")[0] for row in rows] == ["0", "1"], "epoch 2 appended after epoch 1"
    with np.load(out / "samples.npz") as saved:
        assert saved["images"].shape == (50, 28, 28) and saved["images"].dtype == np.uint8


@pytest.mark.parametrize("args, message", [
    (["train", "vanilla", "--epochs", "0"], "--epochs must be a positive integer"),
    (["train", "vanilla", "--n-samples", "-5"], "--n-samples must be a positive integer"),
    (["train", "no_such_model"], "invalid choice: 'no_such_model'"),
], ids=["zero-epochs", "negative-samples", "unknown-model"])
def test_bad_arguments_exit_nonzero_with_a_message(args, message, tmp_path):
    result = _gankit(args, _env(tmp_path / "no-data", tmp_path / "figures"))
    assert result.returncode != 0
    assert message in result.stderr


def test_an_output_path_that_is_a_file_is_refused_before_loading_data(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    result = _gankit(["train", "vanilla", "--quick", "--out", str(target)],
                     _env(tmp_path / "no-data", tmp_path / "figures"))
    assert result.returncode != 0 and "is a file" in result.stderr
    assert "MNIST" not in result.stdout, "data was loaded before the folder was checked"


def test_a_foreign_folder_is_refused_unless_forced(tmp_path):
    (tmp_path / "thesis.tex").write_text("mine")
    result = _gankit(["train", "vanilla", "--quick", "--out", str(tmp_path)],
                     _env(tmp_path / "no-data", tmp_path / "figures"))
    assert result.returncode == 2 and "--force" in result.stderr
    forced = _gankit(["train", "vanilla", "--quick", "--force", "--out", str(tmp_path)],
                     _env(tmp_path / "no-data", tmp_path / "figures"))
    assert "--force" not in forced.stderr and "GANKIT_DATA_DIR" in forced.stderr  # got to data


def test_another_settings_folder_is_refused_and_resume_anyway_resumes(first_run, tmp_path,
                                                                      shared_data_dir):
    out, _ = first_run
    copy = tmp_path / "run"
    import shutil
    shutil.copytree(out, copy)
    env = _env(shared_data_dir, tmp_path / "figures")
    refused = _gankit(["train", "vanilla", "--setting", "laptop", "--epochs", "1", "--out",
                       str(copy)], env)
    assert refused.returncode == 2 and "setting" in refused.stderr
    assert "--resume-anyway" in refused.stderr


def test_sample_from_a_run_of_the_dcgan_which_trains_on_clusters(quick_in_process, tmp_path):
    out = tmp_path / "dcgan"
    assert cli.main(["train", "dcgan", "--quick", "--epochs", "1", "--out", str(out)]) == 0
    samples = tmp_path / "dcgan.npz"
    # the run's weights bring the clusters the generator draws from
    assert cli.main(["sample", "dcgan", "--run", str(out), "--n", "12", "--out", str(samples)]) == 0
    with np.load(samples) as stored:
        assert stored["images"].shape == (12, 28, 28) and set(stored.files) == {"images"}
