"""One clear message per mistake: the same input mistake gets gankit's words at every entry point."""

import json

import numpy as np
import pytest

from gankit import checks, data
from gankit.evaluation.classifier import prepare_images
from gankit.evaluation.scores import score_images
from gankit.studies import noise, robustness
from tiny import tiny_gan

ZERO_TO_ONE = np.random.default_rng(0).uniform(0, 1, (8, 28, 28, 1)).astype("float32") ** 4
EMPTY = np.zeros((0, 28, 28, 1), "float32")


def entry_points_taking_images():
    """Each public function that takes images, as a one-argument call."""
    gan = tiny_gan()
    return {
        "GAN.fit": lambda x: gan.fit(x, batch_size=4, epochs=1, verbose=0),
        "make_noisy_dataset": lambda x: noise.make_noisy_dataset(x, "gaussian", 0.5),
        "evaluator": prepare_images,
        "check_images": checks.check_images,
        "to_uint8": data.to_uint8,
    }


@pytest.mark.parametrize("name", sorted(entry_points_taking_images()))
def test_zero_to_one_images_get_the_same_message_everywhere(name):
    call = entry_points_taking_images()[name]
    with pytest.raises(ValueError, match=r"look like 0\.\.1 images.*images \* 2 - 1"):
        call(ZERO_TO_ONE)


@pytest.mark.parametrize("name", ["GAN.fit", "evaluator", "check_images"])
def test_an_empty_set_of_images_is_refused(name):
    with pytest.raises(ValueError, match=r"empty \(N = 0\)"):
        entry_points_taking_images()[name](EMPTY)


def test_scores_refuse_a_handful_of_images():
    images = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    with pytest.raises(ValueError, match=f"fewer than {checks.MIN_SCORE_IMAGES}"):
        score_images(images)


def test_fit_takes_labels_given_as_a_list():
    gan = tiny_gan(conditional=True)
    images = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    gan.fit(images, [0, 1, 2, 3, 4, 5, 6, 7], batch_size=4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="one label per image"):
        gan.fit(images, [0, 1], batch_size=4, epochs=1, verbose=0)


@pytest.mark.parametrize("n", [float("nan"), "10", 2.5, 0, -1, True])
def test_generate_refuses_counts_that_are_not_whole_positive_numbers(n):
    with pytest.raises(ValueError, match="n must be a whole number >= 1"):
        tiny_gan().generate(n)


def test_generate_refuses_an_empty_label_list():
    with pytest.raises(ValueError, match="one label per image"):
        tiny_gan(conditional=True).generate(3, labels=[])


def test_a_data_folder_variable_pointing_at_a_file_is_named(tmp_path, monkeypatch):
    target = tmp_path / "train-images-idx3-ubyte.gz"
    target.write_bytes(b"")
    monkeypatch.setenv("GANKIT_DATA_DIR", str(target))
    with pytest.raises(ValueError, match="GANKIT_DATA_DIR points at a file"):
        data.load_mnist("test")


def test_a_results_folder_with_a_foreign_json_file_is_refused(tmp_path):
    (tmp_path / "notes.json").write_text(json.dumps({"comment": "mine"}))
    with pytest.raises(ValueError, match="notes.json is JSON but not a record"):
        robustness.load_results(tmp_path)


@pytest.mark.parametrize("call, message", [
    (lambda: checks.check_count(float("nan"), "epochs", minimum=1), "epochs must be a whole"),
    (lambda: checks.check_fraction("0.3"), "fraction must be a number"),
    (lambda: checks.check_labels(np.array([0.0, np.nan]), 2), "whole-number class labels"),
    (lambda: checks.check_images((np.zeros((2, 28, 28)), np.zeros(2))), "is a tuple"),
])
def test_the_checks_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
