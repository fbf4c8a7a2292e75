"""The line ``training.train`` prints before training: the recorded cost, or that none is recorded."""

import keras
import pytest

from gankit import callbacks, config, results, training
from tiny import data, tiny_gan


def test_a_recorded_training_says_what_it_cost_and_where():
    record = results.load_json("dcgan.json")
    line = training.recorded_cost("dcgan", "full", record["epochs"], record["n_train"],
                                  record["batch_size"])
    assert line.startswith("Recorded cost: the full setting's DCGAN")
    assert f"{record['epochs']} epochs, took {callbacks._duration(record['train_seconds'])}" in line
    assert f"2-core CPU ({record['processor']}, TensorFlow)" in line
    assert "scaled" not in line


def test_other_epochs_are_scaled_and_say_so():
    record = results.load_json("laptop/vanilla.json")
    epochs = record["epochs"] // 2
    line = training.recorded_cost("vanilla", "laptop", epochs, record["n_train"],
                                  record["batch_size"])
    assert line.startswith("Recorded cost: the laptop setting's vanilla GAN")
    assert f"scaled to the {epochs} epochs asked" in line
    assert "CPU model not recorded" in line  # the record has no processor field


@pytest.mark.parametrize("args, start", [
    (("dcgan", "full", 24, 60_000, 64, True), "Not measured on a GPU"),
    (("dcgan", "quick", 2, 512, 64, False), "No recorded cost for the quick setting's DCGAN"),
    (("dcgan", "full", 24, 60_000, 128, False), "No recorded cost for the DCGAN at batch 128"),
    ((None, "laptop", 3, 60_000, 64, False), "No recorded cost for this GAN"),
])
def test_without_a_record_it_says_the_estimate_comes_after_the_first_epoch(args, start):
    *args, gpu = args
    line = training.recorded_cost(*args, gpu=gpu)
    assert line.startswith(start) and line.endswith("the estimate comes after the first epoch.")


@pytest.mark.parametrize("verbose", [0, 2])
def test_train_says_it_before_training_unless_quiet(capsys, monkeypatch, verbose):
    monkeypatch.setattr(config, "gpu_seen", lambda: False)
    x, _ = data(n=32)
    keras.utils.set_random_seed(0)
    training.train(tiny_gan(), x, epochs=1, batch_size=16, show=False, verbose=verbose,
                   run={"setting": "laptop", "recipe": "vanilla"})
    out = capsys.readouterr().out
    said = "No recorded cost for the vanilla GAN at batch 16 on 32 images"
    assert (said in out) is (verbose != 0)
