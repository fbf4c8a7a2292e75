"""The robustness study: sweep bookkeeping, the AmbientGAN corruption, cleaning and detectors
(the tables and the threshold rule: test_robustness_findings.py)."""

import dataclasses
import json

import numpy as np
import keras
import pytest
from scipy import ndimage

from gankit import config
from gankit.config import settings
from gankit.studies import ambient, detectors, noise, robustness


@pytest.fixture
def data_env(shared_data_dir, monkeypatch):
    monkeypatch.setenv("GANKIT_DATA_DIR", str(shared_data_dir))
    monkeypatch.setenv("GANKIT_EMNIST_DIR", str(shared_data_dir / "letters-standin"))
    return shared_data_dir


@pytest.fixture(scope="module")
def digits(shared_data_dir):
    from gankit import data
    images = data.load_mnist("test", data_dir=shared_data_dir, verbose=False)[0]
    return data.subset(images, n=600, seed=1)


@pytest.fixture(scope="module")
def evaluator():
    from gankit.evaluation.classifier import load_evaluator
    try:
        return load_evaluator()
    except FileNotFoundError as error:
        pytest.skip(f"no evaluator weights: {error}")


class FakeGAN:
    def generate(self, n, seed=None):
        return np.random.default_rng(seed).uniform(-1, 1, (n, 28, 28, 1)).astype("float32")


@pytest.fixture
def fake_training(monkeypatch):
    """Replace training and scoring with instant stand-ins; count the trainings."""
    calls = []

    def train(images, model, epochs, batch_size, seed, run_dir, corruption=None, recipe=None,
              verbose=0):
        calls.append((len(images), epochs, seed))
        (run_dir / "checkpoint").mkdir(parents=True, exist_ok=True)
        with open(run_dir / "log.csv", "a") as log:  # what Keras's CSVLogger writes
            log.write("epoch,seconds\n" * (log.tell() == 0) + "0,0.25\n")
        return FakeGAN()

    def score(samples, study):
        return {"frechet_distance": float(samples.std())}, {"measure": "noisy", "share": 0.0}

    monkeypatch.setattr(robustness, "_train_point", train)
    monkeypatch.setattr(robustness, "_score_point", score)
    return calls


def tiny_sweep(out_dir, fractions=(0.0, 0.3), **kwargs):
    settings = dict(epochs=1, n_train=64, n_samples=16, n_test=64, batch_size=32,
                    out_dir=out_dir, verbose=0)
    return robustness.sweep("gaussian", fractions, **{**settings, **kwargs})


def test_finished_points_are_skipped_on_rerun(data_env, fake_training, tmp_path):
    first = tiny_sweep(tmp_path)
    assert len(fake_training) == 2
    assert [r["fraction"] for r in first] == [0.0, 0.3]
    assert first[1]["n_corrupted"] == round(0.3 * 64) and first[1]["finished"]
    assert not any(tmp_path.glob("*/checkpoint")), "a finished point drops its checkpoint"
    assert tiny_sweep(tmp_path) == first and len(fake_training) == 2
    tiny_sweep(tmp_path, epochs=2)  # other settings: other points
    assert len(fake_training) == 4
    assert len(robustness.load_results(tmp_path)) == 4
    assert robustness.load_samples(first[0], tmp_path).shape == (16, 28, 28)


def test_half_written_result_is_run_again(data_env, fake_training, tmp_path):
    first = tiny_sweep(tmp_path)
    path = tmp_path / first[1]["samples_file"].replace(".npz", ".json")
    text = path.read_text()
    path.write_text(text[:len(text) // 2])  # a crash in the middle of a plain write
    (tmp_path / "leftover.json.tmp").write_text(text)  # a temporary file is never a result
    with pytest.warns(UserWarning, match="not valid JSON"):
        assert len(robustness.load_results(tmp_path)) == 1
    with pytest.warns(UserWarning, match="not valid JSON"):
        again = tiny_sweep(tmp_path)
    assert len(fake_training) == 3 and again[1]["fraction"] == 0.3
    assert json.loads(path.read_text())["finished"] is True


def test_interrupted_sweep_continues_where_it_stopped(data_env, fake_training, tmp_path,
                                                      monkeypatch):
    train, crashed = robustness._train_point, []

    def crash_on_second(*args, **kwargs):
        if len(fake_training) == 1 and not crashed:
            crashed.append(True)
            raise ConnectionError("disconnected")
        return train(*args, **kwargs)

    monkeypatch.setattr(robustness, "_train_point", crash_on_second)
    with pytest.raises(ConnectionError):
        tiny_sweep(tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 1
    tiny_sweep(tmp_path)
    assert len(fake_training) == 2  # only the unfinished point was trained


def test_a_seeds_clean_run_trains_once_and_every_curve_scores_its_samples(
        data_env, fake_training, tmp_path, monkeypatch):
    cleaned = lambda images, mask: (images[2:], np.arange(len(images)) >= 2, {"n_kept": 62})
    monkeypatch.setattr(detectors, "clean_with_evaluator", cleaned)
    plain = tiny_sweep(tmp_path)
    aware = tiny_sweep(tmp_path, noise_aware=True, fractions=(0.0,))
    letters = robustness.sweep("letters", (0.0,), epochs=1, n_train=64, n_samples=16, n_test=64,
                               batch_size=32, out_dir=tmp_path, verbose=0)
    assert len(fake_training) == 2  # the clean run and the 30% point
    shared = [plain[0], aware[0], letters[0]]
    assert len({r["clean_run"] for r in shared}) == 1 and "clean_run" not in plain[1]
    assert all(r["scores"] == plain[0]["scores"] for r in shared)  # the same samples
    assert [r["train_seconds"] for r in shared] == [round(0.25, 1)] * 3  # one training
    assert robustness.load_samples(aware[0], tmp_path).tolist() == \
        robustness.load_samples(plain[0], tmp_path).tolist()
    tiny_sweep(tmp_path, seeds=(1,), fractions=(0.0,))  # another seed: its own clean run
    assert len(fake_training) == 3
    letters_aware = robustness.sweep("letters", (0.0,), noise_aware=True, epochs=1, n_train=64,
                                     n_samples=16, n_test=64, batch_size=32, out_dir=tmp_path,
                                     verbose=0)[0]
    assert len(fake_training) == 4 and fake_training[-1][0] == 62  # cleaning changed its data
    assert "clean_run" not in letters_aware


def test_recipe_changes_are_recorded_and_reach_the_gan(data_env, fake_training, tmp_path,
                                                        monkeypatch):
    seen = []
    train = robustness._train_point
    monkeypatch.setattr(robustness, "_train_point",
                        lambda *args, **kwargs: seen.append(args[7]) or train(*args, **kwargs))
    first = tiny_sweep(tmp_path, fractions=(0.3,))[0]
    other = tiny_sweep(tmp_path, fractions=(0.3,), recipe={"clusters": None})[0]
    assert seen == [None, {"clusters": None}]
    assert "recipe" not in first["settings"] and other["settings"]["recipe"] == {"clusters": None}
    assert first["samples_file"] != other["samples_file"]


def test_the_training_time_of_a_resumed_point_counts_every_session(data_env, fake_training,
                                                                   tmp_path):
    point = tiny_sweep(tmp_path)[1]
    run_dir = tmp_path / point["samples_file"].replace(".npz", "")
    (tmp_path / point["samples_file"].replace(".npz", ".json")).unlink()  # as if cut short
    with open(run_dir / "log.csv", "a") as log:
        log.write("1,10.0\n")  # an epoch an earlier session trained
    assert tiny_sweep(tmp_path)[1]["train_seconds"] == 0.25 + 10.0 + 0.25


@pytest.mark.parametrize("kind, fractions, options, message", [
    ("salt", (0.0,), {}, "Unknown kind of corruption"),
    ("gaussian", (0.0, 1.5), {}, r"\[0, 1\]"),
    ("gaussian", (-0.1,), {}, r"\[0, 1\]"),
    ("emnist", (0.0, 1.0), {"mode": "add"}, "infinitely many"),
    ("gaussian", (0.1,), {"sigma": 2}, "Unknown noise option"),
    ("gaussian", (0.1,), {"std": -0.1}, "finite number >= 0"),
])
def test_bad_input_is_refused_before_any_work(kind, fractions, options, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        robustness.sweep(kind, fractions, out_dir=tmp_path, **options)
    assert not any(tmp_path.iterdir())
    with pytest.raises(ValueError, match="Unknown model"):
        robustness.sweep("gaussian", (0.0,), model="ccgan", out_dir=tmp_path)


@pytest.mark.parametrize("sigma", [0.7, 1.0, 2.5])
def test_corruption_blur_equals_scipy(digits, sigma):
    x = digits.astype("float32")[..., None] / 127.5 - 1
    layer = ambient.GaussianCorruption(1.0, blur_sigma=sigma, std=0.0, seed=0)
    expected = ndimage.gaussian_filter(x[..., 0].astype("float64"), (0, sigma, sigma),
                                       mode="reflect")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x))[..., 0], expected,
                               atol=1e-5)


def test_corruption_matches_the_data_corruption_in_distribution(digits):
    x = digits.astype("float32")[..., None] / 127.5 - 1
    layer = ambient.GaussianCorruption(1.0, seed=3)
    ours = keras.ops.convert_to_numpy(layer(x, training=False))  # inference corrupts too
    theirs = noise.make_noisy_dataset(x, "gaussian", 1.0, seed=3)[0]
    blurred = ndimage.gaussian_filter(x[..., 0].astype("float64"), (0, 1.0, 1.0), mode="reflect")
    residual_ours, residual_theirs = ours[..., 0] - blurred, theirs[..., 0] - blurred
    assert abs(residual_ours.mean() - residual_theirs.mean()) < 0.005
    assert abs(residual_ours.std() - residual_theirs.std()) < 0.005
    assert abs(np.mean(ours == -1) - np.mean(theirs == -1)) < 0.005  # the clip, at the floor
    unclipped = np.abs(theirs) < 1  # where nothing was clipped, the noise is N(0, 2 * std)
    assert abs(residual_theirs[unclipped[..., 0]].std()
               - residual_ours[(np.abs(ours) < 1)[..., 0]].std()) < 0.01
    assert ours.min() >= -1 and ours.max() <= 1


def test_corruption_hits_the_fraction_of_images(digits):
    x = digits.astype("float32")[..., None] / 127.5 - 1
    out = keras.ops.convert_to_numpy(ambient.GaussianCorruption(0.3, seed=1)(x))
    changed = np.any(out != x, axis=(1, 2, 3))
    assert abs(changed.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / len(x))
    untouched = keras.ops.convert_to_numpy(ambient.GaussianCorruption(0.0, seed=1)(x))
    np.testing.assert_array_equal(untouched, x)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ambient.GaussianCorruption(1.2)


class ConfidentWhenMarked:
    """A stand-in evaluator: sure of a digit exactly when pixel (0, 0) is bright."""

    def predict_proba(self, images):
        sure = np.asarray(images).reshape(len(images), -1)[:, 0] > 0
        probs = np.full((len(images), 10), 0.1)
        probs[sure] = np.r_[0.91, np.full(9, 0.01)]
        return probs


def test_cleaning_counts_dropped_digits_and_kept_letters():
    images = np.zeros((10, 28, 28), dtype=np.uint8)
    mask = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)  # the last four are letters
    images[[0, 1, 2, 6, 7], 0, 0] = 255  # three confident digits, two confident letters
    kept, keep, report = detectors.clean_with_evaluator(images, mask,
                                                      evaluator=ConfidentWhenMarked())
    assert keep.tolist() == [1, 1, 1, 0, 0, 0, 1, 1, 0, 0] and len(kept) == 5
    assert report["digits_dropped"] == 3 and report["letters_kept"] == 2
    assert report["digit_drop_rate"] == 0.5 and report["letter_keep_rate"] == 0.5
    with pytest.raises(ValueError, match="one entry per image"):
        detectors.clean_with_evaluator(images, mask[:5], evaluator=ConfidentWhenMarked())


def test_cleaning_real_letters(digits, evaluator, shared_data_dir):
    from gankit import data
    letters = data.load_emnist_letters("train", data_dir=shared_data_dir / "letters-standin",
                                       verbose=False)[0]
    noisy, mask = noise.make_noisy_dataset(digits, "emnist", 0.3, letters=letters)
    _, keep, report = detectors.clean_with_evaluator(noisy, mask, evaluator=evaluator)
    assert report["n_kept"] == keep.sum() == report["letters_kept"] + report["digits"] - report[
        "digits_dropped"]
    assert report["digit_drop_rate"] < 0.05 and report["letter_keep_rate"] < 0.9


def test_detectors_measure_a_known_share(digits, evaluator, shared_data_dir):
    from gankit import data
    train, test = digits[:300], digits[300:]
    detector = detectors.fit_noise_detector(train, test)
    assert detector.tpr > 0.95 and detector.fpr < 0.05
    mixed, mask = noise.make_noisy_dataset(test, "gaussian", 0.3, seed=7)
    measured = detector.share(mixed)
    assert abs(measured["share"] - mask.mean()) < 0.05
    assert abs(measured["mean_level"] - mask.mean()) < 0.05
    letters = data.load_emnist_letters("train", data_dir=shared_data_dir / "letters-standin",
                                       verbose=False)[0]
    letter_detector = detectors.fit_letter_detector(train, letters[:300], test, letters[-300:],
                                                  evaluator=evaluator)
    assert letter_detector.tpr > 0.8 and letter_detector.fpr < 0.2
    mixed, mask = noise.make_noisy_dataset(test, "emnist", 0.3, seed=7, letters=letters[-300:])
    assert abs(letter_detector.share(mixed)["share"] - mask.mean()) < 0.1
    blurred = noise.make_noisy_dataset(test, "gaussian", 1.0, blur_sigma=1.0, std=0.0)[0]
    assert letter_detector.is_contaminated(blurred).mean() < 0.3  # blur is not a letter


def test_corrected_share():
    assert detectors._corrected_share(0.1, tpr=0.9, fpr=0.1) == 0.0
    assert detectors._corrected_share(0.9, tpr=0.9, fpr=0.1) == 1.0
    assert detectors._corrected_share(0.34, tpr=0.9, fpr=0.1) == pytest.approx(0.3)
    assert np.isnan(detectors._corrected_share(0.5, tpr=0.5, fpr=0.5))


def test_noise_aware_sweep_trains_for_real(data_env, evaluator, tmp_path):
    records = robustness.sweep("gaussian", (0.5,), model="vanilla", noise_aware=True,
                               epochs=1, n_train=64, n_samples=200, n_test=200, batch_size=32,
                               out_dir=tmp_path, verbose=0)
    (point,) = records
    assert point["settings"]["method"] == "ambientgan" and point["noise_aware"]
    assert set(point["scores"]) >= {"classifier_score", "frechet_distance",
                                    "recognisable_fraction", "covered"}
    assert 0 <= point["contamination"]["raw_share"] <= 1
    assert point["backend"] == keras.backend.backend()
    assert robustness.load_samples(point, tmp_path).shape == (100, 28, 28)
    assert not any(tmp_path.glob("*/checkpoint"))


def test_shards_are_disjoint_and_cover_the_study():
    benchmark = _load_benchmark()
    points = benchmark.study_points(seeds=(0, 1))
    assert len(points) == len(set(points)) == 2 * 2 * len(settings().robustness.fractions) * 2
    shard = benchmark.shard
    for count in (1, 2, 3, 7):
        shards = [shard(points, i, count) for i in range(1, count + 1)]
        assert sorted(p for s in shards for p in s) == sorted(points)
        assert sum(len(s) for s in shards) == len(points)
    assert points[0][3] == 0 and points[-1][3] == 1, "seed 0 first, so a cut study has one seed"
    for index, count in ((0, 2), (3, 2), (1, 0)):
        with pytest.raises(ValueError, match="(?i)shard"):
            shard(points, index, count)


def test_the_cost_counts_a_shared_clean_run_once():
    point = lambda kind, aware, fraction, train, wall, **shared: dict(
        kind=kind, noise_aware=aware, fraction=fraction, seed=0, train_seconds=train,
        wall_seconds=wall, backend="tensorflow", machine="x86_64", **shared)
    records = [point("gaussian", False, 0.0, 3600, 4000, clean_run="clean_s0"),
               point("gaussian", True, 0.0, 3600, 400, clean_run="clean_s0"),
               point("gaussian", False, 0.3, 1800, 2000)]
    text = _load_benchmark().format_cost(records)
    assert text.startswith("Cost: 2 trainings for 3 points")
    assert "1.50 h of training (every session's), 1.78 h of wall-clock time" in text
    assert "tensorflow on x86_64" in text


def _load_benchmark(root=None):
    """benchmarks/robustness.py, its points trained under ``root``/runs (not the checkout's)."""
    from benchmark_modules import load
    module = load("robustness")
    if root is not None:
        module.ROOT = root
    return module


def test_a_point_finished_by_one_shard_is_skipped_by_another(data_env, fake_training, tmp_path,
                                                             capsys, monkeypatch):
    scores = dict.fromkeys(("classifier_score", "frechet_distance", "recognisable_fraction",
                            "covered"), 1.0)
    monkeypatch.setattr(robustness, "_score_point",
                        lambda samples, study: (scores, {"measure": "noisy", "share": 0.0}))
    benchmark = _load_benchmark(tmp_path / "checkout")
    common = ["--kinds", "gaussian", "--plain-only", "--seeds", "0", "--fractions", "0", "0.3",
              "--epochs", "1", "--out", str(tmp_path)]
    assert benchmark.main(common + ["--shard", "1/2"]) == 0
    assert benchmark.main(common + ["--shard", "2/2"]) == 0
    assert len(fake_training) == 2, "each shard trained its own point"
    assert benchmark.main(common) == 0  # the whole study, in one: both points already there
    assert len(fake_training) == 2 and "finished earlier" in capsys.readouterr().out
    assert len(robustness.load_results(tmp_path)) == 2


def test_the_benchmark_adds_the_spread_points_after_the_first_seed(data_env, fake_training,
                                                                   tmp_path, monkeypatch):
    fds = {0.0: 10.0, 0.1: 12.0, 0.3: 15.0, 0.75: 40.0}  # threshold 30%: seed 1 skips 10%

    def score(samples, study):
        fraction = study_fraction[0]
        return ({"classifier_score": 5.0, "frechet_distance": fds[fraction],
                 "recognisable_fraction": 0.8, "covered": 1.0}, {"measure": "noisy", "share": 0.0})

    study_fraction = [None]
    original = robustness._Study.noisy

    def noisy(self, fraction, seed):
        study_fraction[0] = fraction
        return original(self, fraction, seed)

    monkeypatch.setattr(robustness, "_score_point", score)
    monkeypatch.setattr(robustness._Study, "noisy", noisy)
    monkeypatch.setenv("GANKIT_SETTING", "quick")
    monkeypatch.setitem(config.BY_NAME, "quick", dataclasses.replace(
        config.QUICK, robustness=config.RobustnessSizes(
            fractions=(0.0, 0.1, 0.3, 0.75), seeds=(0,), spread_seeds=(1,), epochs=1,
            model="vanilla", batch_size=32)))
    benchmark = _load_benchmark(tmp_path / "checkout")
    assert benchmark.main(["--kinds", "gaussian", "--plain-only", "--out", str(tmp_path)]) == 0
    seeds = [(r["fraction"], r["seed"]) for r in robustness.load_results(tmp_path)]
    assert sorted(seeds) == [(0.0, 0), (0.0, 1), (0.1, 0), (0.3, 0), (0.3, 1), (0.75, 0),
                             (0.75, 1)]
    assert [seed for _, _, seed in fake_training] == [0, 0, 0, 0, 1, 1, 1]
    # The run ends with the report beside the records; --report rewrites it without training.
    report = (tmp_path / "report.txt").read_text()
    assert "Largest share with frechet_distance" in report, report
    for name in ("curves.png", "contamination.png", "samples.png", "report.txt"):
        (tmp_path / name).unlink()
    assert benchmark.main(["--kinds", "gaussian", "--report", "--out", str(tmp_path)]) == 0
    assert len(fake_training) == 7, "--report trains nothing"
    assert {p.name for p in tmp_path.iterdir() if p.suffix in (".png", ".txt")} == {
        "curves.png", "contamination.png", "samples.png", "report.txt"}
    assert len(robustness.load_results(tmp_path)) == 7, "the report is not mistaken for a record"
