"""Running the noise-robustness study: train GANs on corrupted MNIST, record their scores.

``sweep("gaussian", (0, 0.1, 0.3))`` trains a GAN per (kind, fraction, seed) on a corrupted
subset and records the scores of its samples and their ``contamination`` (the share of letters
or noisy images, beside ``train_share``). Each point is a JSON record and 100 samples, written
atomically and named by a hash of its settings: a sweep run again skips finished points and
resumes an interrupted one. ``robustness_findings`` reads them. Introduced in notebook 05.
"""

import hashlib
import json
import platform
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import keras

from gankit import config, data, recipes, training
from gankit.checks import check_sigma
from gankit.evaluation.scores import score_images
from gankit.files import replacing, write_atomic
from gankit.studies import ambient, detectors, noise

MODELS = ("vanilla", "dcgan")  # unconditional: letters have no digit label for a ccgan
# Each generator's study: its sizes (``gankit.settings().<name>``) and shipped records' folder.
STUDIES = {"vanilla": "robustness", "dcgan": "robustness_dcgan"}
SAMPLES_KEPT = 100
RECORD_KEYS = {"kind", "fraction", "seed", "noise_aware", "settings", "finished"}
DETECTOR_IMAGES = 5000  # most real images per class to fit a detector on


def default_out_dir():
    """``05_noise`` in ``gankit.config.runs_dir()``."""
    return Path(config.runs_dir()) / "05_noise"


def letters_are_standin(source):
    """True when letters were loaded from the synthetic stand-in folder, not from EMNIST."""
    return "letters-standin" in str(source)


def sweep(kind, fractions=None, model=None, epochs=None, seeds=None, out_dir=None,
          work_dir=None, noise_aware=False, n_train=None, n_samples=None, batch_size=None,
          n_test=None, recipe=None, verbose=1, **noise_options):
    """Train and score one GAN per (fraction, seed), skipping finished points: their records.

    A clean point (share 0, its training set the clean digits: every one but the letters'
    noise-aware, whose cleaning drops digits) trains once per seed and settings in
    ``work_dir``; the other curves' clean points score the same samples (``record["clean_run"]``
    names the shared run). At share 0 the AmbientGAN layer corrupts nothing.

    Args:
        kind: ``"gaussian"`` or ``"letters"`` (``gankit.studies.noise``).
        fractions, model (``"vanilla"`` or ``"dcgan"``), epochs, seeds, batch_size: default
            ``gankit.settings().robustness``'s; n_train, n_samples, n_test:
            ``gankit.settings()``'s. The seed picks the subset, the corruption and the weights.
        out_dir: the records' folder (default ``default_out_dir()``); work_dir: where points
            train (default ``out_dir``), their checkpoints removed once recorded.
        noise_aware: train with the AmbientGAN layer (Gaussian) or cleaned data (letters).
        recipe: entries of the model's recipe to change (``gankit.recipes.make_gan``'s
            overrides, e.g. ``{"clusters": None}``), written into each record.
        verbose: 0 silent, 1 a progress bar and a line per point, 2 also Keras's per epoch.
        **noise_options: ``make_noisy_dataset``'s (``blur_sigma``, ``std``; ``mode``), written
            into each record with their defaults.
    """
    settings = config.settings()
    study_sizes = settings.robustness
    kind = noise.check_kind(kind)
    options = _check_options(kind, noise_options)
    fractions = tuple(study_sizes.fractions if fractions is None else fractions)
    for fraction in fractions:
        noise.corrupted_count(1, fraction, options.get("mode", "replace"))  # raises if invalid
    model = model or study_sizes.model
    if model not in MODELS:
        raise ValueError(f"Unknown model {model!r} for the robustness study; use one of {MODELS}.")
    study = _Study(kind, options, n_train or settings.n_train, n_test or settings.n_test)
    common = {"model": model, "epochs": epochs or study_sizes.epochs,
              "n_train": study.n_train, "n_test": study.n_test,
              "n_samples": n_samples or settings.n_samples,
              "batch_size": batch_size or study_sizes.batch_size, "noise_options": options,
              "noise_aware": bool(noise_aware),
              "method": (("ambientgan" if kind == "gaussian" else "evaluator-cleaning")
                         if noise_aware else "plain")}
    if recipe:
        common["recipe"] = dict(recipe)
    if kind == "letters":
        common["letters"] = "stand-in" if letters_are_standin(study.letters.source) else "emnist"
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    records, seeds = [], tuple(study_sizes.seeds if seeds is None else seeds)
    progress = keras.utils.Progbar(len(seeds) * len(fractions), unit_name="GAN",
                                   verbose=1 if verbose else 0)
    for seed in seeds:
        for fraction in fractions:
            point = {"kind": kind, "fraction": float(fraction), "seed": int(seed)}
            name = _point_name(point, common)
            record = _read_record(out_dir / f"{name}.json")
            if record is None or record.get("settings") != common:
                record = _run_point(study, point, common, out_dir, name, verbose,
                                    Path(work_dir) if work_dir is not None else out_dir)
            elif verbose:
                print(f"{describe_point(record)}: finished earlier ({name}.json)")
            records.append(record)
            progress.add(1)
    return records


def training_set(kind, fraction, seed, n_train=None, **noise_options):
    """The training set of a point, as ``sweep`` makes it before any noise-aware cleaning:
    model-range images ``(M, 28, 28, 1)`` and their corruption mask bool ``(M,)``."""
    kind = noise.check_kind(kind)
    study = _Study(kind, _check_options(kind, noise_options),
                   n_train or config.settings().n_train, n_test=1)
    return study.noisy(fraction, seed)


def _check_options(kind, options):
    unknown = sorted(set(options) - set(noise.OPTIONS[kind]) - {"letters"})
    if unknown:
        raise ValueError(f"Unknown noise option(s) {unknown} for kind={kind!r}; it takes "
                         f"{noise.OPTIONS[kind]}.")
    if "letters" in options:
        raise ValueError("sweep loads the letters itself (gankit.data.load_emnist_letters); "
                         "set GANKIT_EMNIST_DIR to use other letter files.")
    if kind == "gaussian":
        defaults = {"blur_sigma": noise.DEFAULT_BLUR_SIGMA, "std": noise.DEFAULT_NOISE_STD}
        return {name: check_sigma(options.get(name, default), name)
                for name, default in defaults.items()}
    return {"mode": options.get("mode", "replace")}


def _point_name(point, common):
    digest = hashlib.sha1(json.dumps({**point, **common}, sort_keys=True).encode()).hexdigest()[:8]
    aware = "aware" if common["noise_aware"] else "plain"
    return (f"{point['kind']}_{aware}_f{point['fraction'] * 100:05.1f}_s{point['seed']}"
            f"_{digest}")


def describe_point(record):
    """A record's point in words, e.g. ``"gaussian 30% seed 0 (plain)"``."""
    aware = "noise-aware" if record["noise_aware"] else "plain"
    return f"{record['kind']} {record['fraction']:.0%} seed {record['seed']} ({aware})"


class _Study:
    """The data of one sweep, loaded once: MNIST, letters, test digits, the detector."""

    def __init__(self, kind, options, n_train, n_test):
        self.kind, self.options, self.n_train, self.n_test = kind, options, n_train, n_test
        self.train_images = data.load_mnist("train", verbose=False)[0]
        test = data.load_mnist("test", verbose=False)[0]
        self.test_images = data.subset(test, n=min(n_test, len(test)), seed=0)
        self.letters = data.load_emnist_letters("train") if kind == "letters" else None

    def clean(self, seed):
        return data.subset(self.train_images, n=self.n_train, seed=seed)

    def noisy(self, fraction, seed):
        """Model-range training images ``(M, 28, 28, 1)`` and their corruption mask ``(M,)``."""
        extra = {"letters": self.letters[0]} if self.kind == "letters" else {}
        return noise.make_noisy_dataset(data.to_model_range(self.clean(seed)), self.kind,
                                        fraction, seed=seed, **self.options, **extra)

    def detector(self):
        """The contamination detector of this kind, fitted once per process and setting."""
        key = (self.kind, json.dumps(self.options, sort_keys=True), self.n_train, self.n_test,
               self.letters.source if self.letters else None)
        if key not in _DETECTORS:
            real = self.clean(0)[:DETECTOR_IMAGES]
            if self.kind == "letters":
                test_letters = data.load_emnist_letters("test", verbose=False)[0]
                _DETECTORS[key] = detectors.fit_letter_detector(
                    real, self.letters[0][:DETECTOR_IMAGES], self.test_images,
                    test_letters[:self.n_test], source=self.letters.source)
            elif self.options["std"] > 0:
                _DETECTORS[key] = detectors.fit_noise_detector(real, self.test_images,
                                                             **self.options)
            else:
                _DETECTORS[key] = None  # blur alone: no pixel noise to detect
        return _DETECTORS[key]


_DETECTORS = {}


def _train_point(images, model, epochs, batch_size, seed, run_dir, corruption=None, recipe=None,
                 verbose=0):
    """Train one GAN (resuming from ``run_dir``'s checkpoint); return it."""
    keras.utils.set_random_seed(seed)
    gan = recipes.make_gan(model, seed=seed, **(recipe or {}))
    if corruption is not None:
        gan.corruption = corruption  # GAN passes generated images through it before D
    training.train(gan, images, epochs=epochs, batch_size=batch_size, out_dir=run_dir,
                  sample_every=max(1, epochs), verbose=verbose, show=False)
    return gan


def _score_point(samples, study):
    """``(scores, contamination)`` of generated model-range samples."""
    scores = score_images(samples, real_test=study.test_images)
    detector = study.detector()
    if detector is None:
        return scores, {"measure": None, "share": float("nan"),
                        "note": "std=0: blur alone leaves no pixel noise to detect"}
    measure = "letters" if study.kind == "letters" else "noisy"
    return scores, {"measure": measure, **detector.share(samples)}


def _run_point(study, point, common, out_dir, name, verbose, work_dir):
    start = time.perf_counter()
    images, mask = study.noisy(point["fraction"], point["seed"])
    record = {**point, "noise_aware": common["noise_aware"], "settings": common,
              "n_corrupted": int(mask.sum()), "n_images": int(len(mask))}
    corruption = None
    if common["noise_aware"] and study.kind == "gaussian":
        corruption = ambient.GaussianCorruption(point["fraction"], seed=point["seed"],
                                                **study.options)
    elif common["noise_aware"]:
        images, keep, record["cleaning"] = detectors.clean_with_evaluator(images, mask)
        mask = mask[keep]
    record["train_share"] = float(mask.mean()) if len(mask) else 0.0
    clean = point["fraction"] == 0 and "cleaning" not in record
    if clean:
        record["clean_run"] = _clean_run_name(point["seed"], common)
        corruption = None  # share 0: the layer would corrupt nothing
    run_dir = work_dir / record.get("clean_run", name)
    shared = run_dir / "samples.npy"  # a clean run's samples, for the other curves' clean points
    if clean and shared.is_file():
        samples = np.load(shared)
    else:
        gan = _train_point(images, common["model"], common["epochs"], common["batch_size"],
                           point["seed"], run_dir, corruption, common.get("recipe"),
                           verbose=2 if verbose > 1 else 0)
        samples = gan.generate(common["n_samples"], seed=point["seed"])
        if clean:
            with replacing(shared) as temporary, open(temporary, "wb") as f:
                np.save(f, samples)
    record["train_seconds"] = round(training.logged_seconds(run_dir), 1)  # every session's
    record["scores"], record["contamination"] = _score_point(samples, study)
    if study.letters is not None:
        record["letters_source"] = study.letters.source
    record.update(wall_seconds=round(time.perf_counter() - start, 1),
                  backend=keras.backend.backend(), keras=keras.__version__,
                  machine=platform.machine(), samples_file=f"{name}.npz", finished=True)
    with replacing(out_dir / f"{name}.npz") as temporary, open(temporary, "wb") as f:
        np.savez_compressed(f, images=data.to_uint8(samples[:SAMPLES_KEPT]))
    write_atomic(out_dir / f"{name}.json", json.dumps(record, indent=1) + "\n")
    shutil.rmtree(run_dir / "checkpoint", ignore_errors=True)  # the record is final now
    if verbose:
        print(f"{describe_point(record)}: Fréchet {record['scores']['frechet_distance']:.1f}, "
              f"contamination {record['contamination']['share']:.2f} "
              f"(trained on {record['train_share']:.2f}), {record['wall_seconds']:.0f} s")
    return record


def _clean_run_name(seed, common):
    """The folder of the clean run that a seed's clean points share: named by what trains it,
    the model's whole recipe included (a changed recipe trains a new clean run)."""
    trains = {k: v for k, v in common.items()
              if k in ("model", "epochs", "n_train", "n_samples", "batch_size")}
    trains["recipe"] = {**recipes.RECIPES[common["model"]], **common.get("recipe", {})}
    digest = hashlib.sha1(json.dumps({**trains, "seed": int(seed)}, sort_keys=True).encode())
    return f"clean_s{int(seed)}_{digest.hexdigest()[:8]}"


def _read_record(path):
    """The finished record at ``path``, or None (missing, unreadable or unfinished)."""
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        warnings.warn(f"{path} is not valid JSON (a half-written file?); the point is run "
                      f"again and the file replaced.", stacklevel=3)
        return None
    if not (isinstance(record, dict) and RECORD_KEYS <= set(record)):
        raise ValueError(f"{path} is JSON but not a record of the robustness study (a record "
                         f"has {', '.join(sorted(RECORD_KEYS))}); move it out of the results "
                         f"folder, which holds the study's records only.")
    return record if record.get("finished") is True else None


def load_results(out_dir=None):
    """The finished records in ``out_dir`` (default ``default_out_dir()``), sorted by kind,
    option, fraction and seed; an unreadable file is skipped with a warning."""
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir()
    if not out_dir.is_dir():
        raise FileNotFoundError(f"No results folder {out_dir}; run sweep(..., out_dir=) first.")
    records = [r for r in map(_read_record, sorted(out_dir.glob("*.json"))) if r is not None]
    return sorted(records, key=lambda r: (r["kind"], r["noise_aware"], r["fraction"], r["seed"]))


def load_samples(record, out_dir=None):
    """The first 100 samples of a point, ``uint8 (100, 28, 28)``."""
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir()
    with np.load(out_dir / record["samples_file"]) as stored:
        return stored["images"]
