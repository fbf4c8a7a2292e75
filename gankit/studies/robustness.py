"""Running the noise-robustness study: train GANs on corrupted MNIST, record their scores.

    records = sweep("gaussian", (0, 0.1, 0.3), epochs=30)          # one GAN per point
    records = load_results()                                        # later: read them back

``sweep`` trains one GAN per (kind, fraction, seed) on ``gankit.studies.noise.make_noisy_dataset``'s
corrupted copy of an MNIST training subset, then records for each point

- the evaluator's scores of its samples against clean MNIST test digits (``gankit.evaluation``:
  classifier score, Fréchet distance, recognisable fraction, class coverage);
- ``contamination``: how much of the corruption the generator reproduces, the share of samples
  that ``gankit.studies.detectors`` calls letters (kind ``"letters"``) or noisy (``"gaussian"``),
  corrected for the detectors' error rates on held-out real images. Compare it with
  ``train_share``, the corrupted share of the images the GAN was trained on. For Gaussian
  noise also ``noise_level``, the mean noise level over ``std``: a generator may spread the
  noise thinly over every sample, which a per-image flag misses.

Each finished point is one JSON file (and the first 100 samples in a ``.npz``), written to a
temporary file and then renamed, so a file that exists is complete. Running the same sweep again
skips finished points, and a point interrupted mid-training resumes from its checkpoint: a
sweep stopped by a disconnect continues where it stopped. A point is "the same" when kind,
fraction, seed and every setting match (its file name carries a hash of them).

``noise_aware=True`` trains with the option that matches the kind: the
AmbientGAN corruption layer for Gaussian noise, cleaning with the evaluator for letters.
``gankit.studies.robustness_report`` reads the records: tables, curves and the threshold.
Introduced in notebook 05.
"""

import dataclasses
import hashlib
import json
import os
import platform
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import keras

from gankit import config, data, recipes, training
from gankit.checks import check_count
from gankit.evaluation.scores import score_images
from gankit.studies import ambient, detectors, noise

@dataclasses.dataclass(frozen=True)
class Sizes:
    """The robustness study's size in one setting (``sizes()`` gives the current one).

    Attributes:
        fractions: corrupted shares of the training set.
        seeds: seeds of every point.
        spread_seeds: extra seeds, run only where they give the thresholds a spread: at
            fraction 0 and on either side of each threshold
            (``spread_points``).
        epochs: training epochs per GAN.
        model: the GAN trained at every point (``gankit.recipes``).
        batch_size: its batch size. The full study uses 64, not the recipe's usual 256: on JAX
            on a CPU the fully connected GAN costs little more per epoch at 64, and four times
            as many steps reach a better generator. The laptop sizes keep 256: notebook 05 runs
            them on TensorFlow, where an epoch at 64 costs about twice one at 256.
    """

    fractions: tuple
    seeds: tuple
    spread_seeds: tuple
    epochs: int
    model: str
    batch_size: int


SIZES = {
    "quick": Sizes(fractions=(0.0, 0.30), seeds=(0,), spread_seeds=(), epochs=1,
                   model="vanilla", batch_size=64),
    # Notebook 05's live part: 12 vanilla GANs in at most 15 minutes on a 2-core CPU with
    # TensorFlow (gankit/results/notebook_times.json; 3 epochs took longer there).
    "laptop": Sizes(fractions=(0.0, 0.30, 0.75), seeds=(0,), spread_seeds=(), epochs=2,
                    model="vanilla", batch_size=256),
    # 28 vanilla GANs of 10 epochs on JAX (7 fractions x 2 kinds x plain/noise-aware), and
    # seed 1 at 3 or more fractions per curve: the whole study, sized for a 2-core CPU.
    "full": Sizes(fractions=(0.0, 0.05, 0.10, 0.20, 0.30, 0.50, 0.75), seeds=(0,),
                  spread_seeds=(1,), epochs=10, model="vanilla", batch_size=64),
}


def sizes(setting=None):
    """The study's ``Sizes`` in ``setting`` (default: the current one, ``gankit.config``)."""
    return SIZES[setting or config.setting_name()]


MODELS = ("vanilla", "dcgan")  # unconditional: letters have no digit label for a ccgan
SAMPLES_KEPT = 100
RECORD_KEYS = {"kind", "fraction", "seed", "noise_aware", "settings", "finished"}
DETECTOR_IMAGES = 5000  # most real images per class to fit a detector on


def default_out_dir():
    """``<runs>/05_noise``, with ``<runs>`` from ``gankit.config.runs_dir()`` (``GANKIT_RUNS_DIR``,
    else ``runs`` under the current folder)."""
    return Path(config.runs_dir()) / "05_noise"


def letters_are_standin(source):
    """True when letters were loaded from the synthetic stand-in folder, not from EMNIST."""
    return "letters-standin" in str(source)


def study_points(kinds=("gaussian", "letters"), noise_aware=(False, True), fractions=None,
                 seeds=None):
    """Every point of a study, in one fixed order: ``(kind, noise_aware, fraction, seed)`` tuples.

    Defaults: both kinds, plain and noise-aware, ``sizes().fractions`` and ``.seeds``. The
    order is seeds first (all of seed 0 before seed 1), so a study cut short still has one
    complete seed.
    """
    study_sizes = sizes()
    return [(noise.check_corruption(kind), bool(aware), float(fraction), int(seed))
            for seed in (study_sizes.seeds if seeds is None else seeds)
            for kind in kinds for aware in noise_aware
            for fraction in (study_sizes.fractions if fractions is None else fractions)]


def shard(points, index, count):
    """The points of shard ``index`` of ``count`` (1-based): every ``count``-th, from ``index``.

    Shards are disjoint and together hold every point, so several machines (or Colab sessions,
    or the tasks of a job array) can share one study; a point finished by any of them is
    skipped by the others when their records sit in the same folder.

    Raises:
        ValueError: unless ``1 <= index <= count``.
    """
    count = check_count(count, "the shard count N", minimum=1)
    index = check_count(index, "the shard index I", minimum=1)
    if index > count:
        raise ValueError(f"Shard {index}/{count} does not exist: I must lie in 1..N, e.g. 1/{count}.")
    return list(points)[index - 1::count]


# The threshold rule (read by gankit.studies.robustness_report.threshold), and the points that
# give each threshold its spread over seeds.
HIGHER_IS_BETTER = ("classifier_score", "recognisable_fraction", "covered")
LOWER_IS_BETTER = ("frechet_distance", "kl_from_uniform")
THRESHOLD_METRICS = ("frechet_distance", "recognisable_fraction")


def seed_threshold(by_fraction, metric, tolerance=2.0):
    """One seed's threshold from its ``{fraction: metric value}`` (fraction 0 included): the
    largest fraction such that it and every smaller one stay within a factor ``tolerance`` of
    the fraction-0 value (``<= tolerance * clean`` for ``LOWER_IS_BETTER`` metrics, ``>=
    clean / tolerance`` for ``HIGHER_IS_BETTER`` ones)."""
    clean, passed = by_fraction[0.0], 0.0
    for fraction in sorted(by_fraction):
        score = by_fraction[fraction]
        if not (score <= tolerance * clean if metric in LOWER_IS_BETTER
                else score >= clean / tolerance):
            break
        passed = fraction
    return passed


def spread_points(records, fractions, seeds, metrics=THRESHOLD_METRICS, tolerance=2.0):
    """The points that give each threshold its spread over ``seeds``, not yet in ``records``.

    A curve (kind, training option) is planned once its first seed (the smallest in
    ``records``) has every fraction in ``fractions``. For each of ``metrics``, each extra seed
    then needs fraction 0 (its own clean run) and the two fractions on either side of the first
    seed's threshold (the last one that passes and the first one that fails, from the grid
    ``fractions``); once it has those, also the two on either side of its own threshold among
    the fractions it has, so a seed whose threshold lies elsewhere gets the points that locate
    it. Run the returned points and call again until it returns ``[]`` (``run_study`` does).

    Args:
        records: finished records (``load_results``), one setting.
        fractions: the study's grid of corrupted shares (``sizes().fractions``).
        seeds: the extra seeds (``sizes().spread_seeds``).
        metrics: the scores whose thresholds get a spread.

    Returns:
        sorted list of ``(kind, noise_aware, fraction, seed)`` points, as in ``study_points``.
    """
    grid = sorted(float(f) for f in fractions)

    def bracket(found):
        at = grid.index(found)
        return set(grid[at:at + 2]) if at + 1 < len(grid) else set(grid[at - 1:at + 1])

    curves = {}
    for r in records:
        curves.setdefault((r["kind"], r["noise_aware"]), {}).setdefault(r["seed"], {})[
            r["fraction"]] = r["scores"]
    todo = set()
    for (kind, aware), by_seed in sorted(curves.items()):
        first = by_seed[min(by_seed)]
        if not set(grid) <= set(first):
            continue  # the first seed is still running: nothing to bracket yet
        for metric in metrics:
            planned = {0.0} | bracket(seed_threshold({f: first[f][metric] for f in grid},
                                                     metric, tolerance))
            for seed in seeds:
                if seed == min(by_seed):
                    continue
                tested = {f: v[metric] for f, v in by_seed.get(seed, {}).items() if f in grid}
                need = planned | (bracket(seed_threshold(tested, metric, tolerance))
                                  if planned <= set(tested) else set())
                todo |= {(kind, aware, f, int(seed)) for f in need - set(tested)}
    return sorted(todo)


def run_study(out_dir, study_sizes=None, kinds=("gaussian", "letters"),
              noise_aware=(False, True), shard_of=(1, 1), work_dir=None, verbose=1,
              **sweep_options):
    """Run a whole study (or one shard of it): the grid of ``study_sizes``, then the points
    that give each threshold its spread (``spread_points``), planned again after each point.

    Finished points (in ``out_dir``) are skipped and an interrupted one resumes, so running it
    again continues where it stopped.

    Args:
        out_dir: the records' folder.
        study_sizes: a ``Sizes`` (default ``sizes()``, the current setting's): fractions,
            seeds, spread seeds, epochs, model and batch size.
        shard_of: ``(I, N)``: only every N-th point from the I-th (``shard``).
        work_dir: where each point trains (``sweep``).
        **sweep_options: ``sweep``'s other arguments (``n_train``, ``n_samples``, ``n_test``
            default to the current setting's; ``model``, ``epochs`` override the sizes').

    Returns:
        the records in ``out_dir`` (``load_results``).
    """
    study_sizes = study_sizes or sizes()
    options = {"model": study_sizes.model, "epochs": study_sizes.epochs,
               "batch_size": study_sizes.batch_size, "out_dir": out_dir, "work_dir": work_dir,
               "verbose": verbose, **sweep_options}
    points = study_points(kinds, noise_aware, study_sizes.fractions, study_sizes.seeds)
    curves = {point[:2] for point in points}

    def run(point):
        kind, aware, fraction, seed = point
        start = time.perf_counter()
        sweep(kind, (fraction,), seeds=(seed,), noise_aware=aware, **options)
        if verbose:
            where = describe_point({"kind": kind, "fraction": fraction, "seed": seed,
                                    "noise_aware": aware})
            print(f"{where}: done in {time.perf_counter() - start:.0f} s", flush=True)

    for point in shard(points, *shard_of):
        run(point)
    tried = set()
    while study_sizes.spread_seeds:
        plan = [p for p in spread_points(load_results(out_dir), study_sizes.fractions,
                                         study_sizes.spread_seeds) if p[:2] in curves]
        todo = [p for p in shard(plan, *shard_of) if p not in tried]
        if not todo:
            break
        if verbose:
            print(f"Spread over seeds {study_sizes.spread_seeds}: {len(todo)} more point(s)")
        run(todo[0])  # then plan again from the new record
        tried.add(todo[0])
    return load_results(out_dir)


def sweep(kind, fractions=None, model=None, epochs=None, seeds=None, out_dir=None,
          work_dir=None, noise_aware=False, n_train=None, n_samples=None, batch_size=None, n_test=None,
          verbose=1, **noise_options):
    """Train and score one GAN per (fraction, seed); skip points finished earlier.

    Args:
        kind: ``"gaussian"`` or ``"letters"`` (see ``gankit.studies.noise``).
        fractions: corrupted shares in [0, 1]; default ``sizes().fractions``.
        model: ``"vanilla"`` or ``"dcgan"`` (``gankit.recipes``); default ``sizes().model``.
        epochs, seeds, batch_size: default ``sizes().epochs``, ``.seeds``, ``.batch_size``;
            n_train, n_samples, n_test: default ``gankit.settings()``'s ``.n_train``,
            ``.n_samples``, ``.n_test``. The
            seed picks the training subset, the corruption and the initial weights.
        out_dir: where records go; default ``default_out_dir()``.
        work_dir: where each point's training run (checkpoint, log, figures) goes while it
            trains; default ``out_dir``. The checkpoint is removed once the record is written.
        noise_aware: train with the kind's noise-aware option (``gankit.studies.ambient``,
            ``gankit.studies.detectors``).
        verbose: 0 silent, 1 a progress bar over the points and one line per point, 2 also
            Keras's line per epoch.
        **noise_options: passed to ``make_noisy_dataset`` (``blur_sigma``, ``std``; ``mode``);
            the defaults are written into each record.

    Returns:
        list of record dicts, one per point, finished earlier or now.
    """
    settings, study_sizes = config.settings(), sizes()
    kind = noise.check_corruption(kind)
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
        return {name: noise.check_sigma(options.get(name, default), name)
                for name, default in defaults.items()}
    return {"mode": options.get("mode", "replace")}


def _point_name(point, common):
    text = json.dumps({**point, **common}, sort_keys=True)
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
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


def _train_point(images, model, epochs, batch_size, seed, run_dir, corruption=None, verbose=0):
    """Train one GAN (resuming from ``run_dir``'s checkpoint); return it."""
    keras.utils.set_random_seed(seed)
    gan = recipes.make_gan(model, seed=seed)
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
    run_dir = work_dir / name
    gan = _train_point(images, common["model"], common["epochs"], common["batch_size"],
                       point["seed"], run_dir, corruption, verbose=2 if verbose > 1 else 0)
    record["train_seconds"] = round(training.logged_seconds(run_dir), 1)  # every session's
    samples = gan.generate(common["n_samples"], seed=point["seed"])
    record["scores"], record["contamination"] = _score_point(samples, study)
    if study.letters is not None:
        record["letters_source"] = study.letters.source
    record.update(wall_seconds=round(time.perf_counter() - start, 1),
                  backend=keras.backend.backend(), keras=keras.__version__,
                  machine=platform.machine(), samples_file=f"{name}.npz", finished=True)
    _write_atomic(out_dir / f"{name}.npz",
                  lambda f: np.savez_compressed(f, images=data.to_uint8(samples[:SAMPLES_KEPT])))
    _write_atomic(out_dir / f"{name}.json",
                  lambda f: f.write(json.dumps(record, indent=1).encode() + b"\n"))
    shutil.rmtree(run_dir / "checkpoint", ignore_errors=True)  # the record is final now
    if verbose:
        print(f"{describe_point(record)}: Fréchet {record['scores']['frechet_distance']:.1f}, "
              f"contamination {record['contamination']['share']:.2f} "
              f"(trained on {record['train_share']:.2f}), {record['wall_seconds']:.0f} s")
    return record


def _write_atomic(path, write):
    """Write through ``write(file)`` to a temporary file, then rename it to ``path``."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


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
    """All finished records in ``out_dir`` (default ``default_out_dir()``), sorted by kind,
    noise-aware flag, fraction and seed. Unreadable files are skipped with a warning."""
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
