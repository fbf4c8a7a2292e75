"""Time to good digits: how long the DCGAN takes a learner, end to end, to reach a classifier
score of 9.3 and a recognisable share of 0.93, for gankit 0.2's recipe, today's and other candidates.

    GANKIT_SETTING=laptop python benchmarks/time_to_quality.py                  # every candidate
    GANKIT_SETTING=laptop python benchmarks/time_to_quality.py --candidates lr4e-4 --repeats 2
    GANKIT_SETTING=laptop python benchmarks/time_to_quality.py \\
        --candidate 'lr3e-4={"learning_rate": 3e-4, "d_learning_rate": 3e-4}'
    python benchmarks/time_to_quality.py --table                                # the saved rows

Each candidate is the DCGAN recipe (``recipes.RECIPES["dcgan"]``) with some entries replaced
(``CANDIDATES``, or ``--candidate NAME=JSON`` for others; a ``"batch_size"`` entry replaces the
setting's batch size). It trains as a learner's run does: its k-means clusters, then
``training.train`` on the setting's training images (all 60,000 in the laptop setting) with a
run folder (a checkpoint every epoch), sample grids and loss curves. ``--checks-per-epoch``
times an epoch (4: after each quarter of its steps, the last at its end) the setting's
``n_samples`` samples (10,000) of the generator's moving average are scored with the kit's
evaluator; the clock stops while they are, so a row's seconds are training alone, k-means
included. A candidate stops at the first check whose classifier score and recognisable share
both reach the targets (``--score``, ``--recognisable``), or after ``--max-epochs`` ("not
reached"; a candidate whose training diverges is not reached either, its row says so in
``diverged``). A learner stops at an epoch's end: the epochs a setting trains are the first
whole number at or above the epochs a recipe needs here.

Every candidate trains in the same run, and with ``--repeats`` each repeat takes the candidates
in another order (the first moves to the end) on the next seed, so a slower spell of the machine
falls on all of them. The rows go into ``gankit/results/time_to_quality.json`` (``--out``),
keyed by run (its start time), candidate and seed, with the CPU's name and the load average
around each; ``--table`` gives for every run the median seconds to the targets of each candidate
and its ratio to gankit 0.2's recipe in the same run.
"""

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import keras

from gankit import config, data, recipes, results, training
from gankit.checks import TrainingDiverged
from gankit.evaluation.scores import score_images
import bookkeeping
from quality import device_name

PATH = results.FOLDER / "time_to_quality.json"
BASELINE = "0.2"  # the ratios' baseline: the recipe of gankit 0.2, timed in the same run
OLD = {"learning_rate": 2e-4, "d_learning_rate": 2e-4, "ema_momentum": 0.999}
NEW_RATES = {"learning_rate": 4e-4, "d_learning_rate": 4e-4}
# name: (what it changes from gankit 0.2's recipe, the entries that make it from today's recipe,
# recipes.RECIPES["dcgan"]; "batch_size" replaces the setting's). Every entry that differs between
# the two recipes is named, so a row means the same recipe whatever today's recipe is.
CANDIDATES = {
    BASELINE: ("the recipe of gankit 0.2: learning rates 2e-4, the generator's average over "
               "about 1,000 steps (momentum 0.999)", OLD),
    "lr4e-4": ("both learning rates doubled, 4e-4", {**OLD, **NEW_RATES}),
    "b128-lr4e-4": ("batch 128 with both learning rates doubled: half the steps, each larger",
                    {**OLD, **NEW_RATES, "batch_size": 128}),
    "ema0.995": ("the generator's average over about 200 steps (momentum 0.995) instead of 1,000",
                 {**OLD, "ema_momentum": 0.995}),
    "lr4e-4-ema0.995": ("both learning rates doubled and the average over about 200 steps: "
                        "today's recipe", {**NEW_RATES, "ema_momentum": 0.995}),
    "b128-lr4e-4-ema0.99": ("batch 128, both learning rates doubled, the average over about 100 "
                            "steps", {**NEW_RATES, "ema_momentum": 0.99, "batch_size": 128}),
}
METRICS = ("classifier_score", "recognisable_fraction", "frechet_distance")


def score(gan, n, seed):
    """The evaluator's scores of ``n`` samples of ``gan`` (``score_images``)."""
    return score_images(gan.generate(n, seed=seed))


class ScoreAsItTrains(keras.callbacks.Callback):
    """The last callback of a run: ``per_epoch`` times an epoch (at its end, and at equal
    steps within it) it scores ``n`` samples of the generator as the grids show it (its moving
    average if it has one), with the clock stopped, and ends training at the first check
    reaching ``targets`` (``{metric: least value}``). ``start``: the ``time.perf_counter()``
    the run's clock started at (before its k-means). ``checks`` holds a dict per check, its
    ``"epoch"`` the epochs trained (2.25: a quarter into the third); ``reached`` the epochs at
    the first check reaching the targets (None: not yet)."""

    def __init__(self, start, targets, n, seed=0, per_epoch=1):
        super().__init__()
        self.start, self.targets, self.n, self.seed = start, targets, n, seed
        self.per_epoch, self.epoch, self.within = per_epoch, 0, {}
        self.scoring, self.checks, self.reached = 0.0, [], None

    def on_train_begin(self, logs=None):
        steps = self.params.get("steps") or 0
        # the batch index ending each check within an epoch -> the fraction of the epoch
        self.within = {round(steps * k / self.per_epoch) - 1: k / self.per_epoch
                       for k in range(1, self.per_epoch)} if steps >= self.per_epoch else {}

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if batch in self.within and not self.model.stop_training:
            # mid-epoch the generator holds the trained weights: score its average meanwhile
            average = training.average_callbacks(self.model)
            for swap in average:
                swap.set_model(self.model)
                swap.on_epoch_end(self.epoch)  # the average in place ...
            self.check(self.epoch + self.within[batch])
            for swap in average:
                swap.on_epoch_begin(self.epoch)  # ... and the trained weights back, exactly

    def on_epoch_end(self, epoch, logs=None):
        if self.reached is None:  # a check within the epoch may have ended it
            self.check(epoch + 1)  # after GeneratorAverage: the average is in place

    def check(self, epochs):
        trained = time.perf_counter() - self.start - self.scoring
        began = time.perf_counter()
        scores = score(self.model, self.n, self.seed)
        seconds = time.perf_counter() - began
        self.scoring += seconds
        self.checks.append({"epoch": round(epochs, 4), "train_seconds": round(trained, 2),
                            "score_seconds": round(seconds, 2),
                            **{m: round(float(scores[m]), 4) for m in METRICS}})
        if self.reached is None and all(scores[m] >= v for m, v in self.targets.items()):
            self.reached = round(epochs, 4)
            self.model.stop_training = True


def run_candidate(name, overrides, x, settings, seed, max_epochs, targets, n_samples,
                  per_epoch=1):
    """Train one candidate until it reaches ``targets`` or ``max_epochs``; return its row."""
    given, overrides = dict(overrides), dict(overrides)
    batch_size = overrides.pop("batch_size", settings.batch_size["dcgan"])
    load_before = os.getloadavg()[0]
    keras.utils.set_random_seed(seed)
    gan = recipes.make_gan("dcgan", seed=seed, **overrides)
    with tempfile.TemporaryDirectory(prefix="time-to-quality-") as folder:
        start = time.perf_counter()  # the learner's clock: the k-means too
        if gan.clusters is not None:
            gan.clusters.fit(x)
        cluster_seconds = time.perf_counter() - start
        scorer = ScoreAsItTrains(start, targets, n_samples, seed=seed, per_epoch=per_epoch)
        diverged = None
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            # verbose=1 as in a notebook: its progress bar too, written nowhere
            try:
                training.train(gan, x, epochs=max_epochs, batch_size=batch_size,
                               out_dir=os.path.join(folder, "run"),
                               sample_every=settings.sample_every, show=False, verbose=1,
                               extra_callbacks=[scorer],
                               run={"setting": settings.name, "recipe": "dcgan", "seed": seed})
            except TrainingDiverged as error:  # a candidate that diverges never gets there
                diverged = str(error).split(". ")[0]
    reached = scorer.checks[-1] if scorer.reached else None
    return {"candidate": name, "overrides": given, "batch_size": batch_size, "seed": seed,
            "setting": settings.name, "n_train": len(x), "max_epochs": max_epochs,
            "targets": targets, "n_samples": n_samples, "checks_per_epoch": per_epoch,
            "cluster_seconds": round(cluster_seconds, 2),
            "reached_epoch": scorer.reached,
            "seconds_to_target": reached["train_seconds"] if reached else None,
            "score_seconds": round(scorer.scoring, 2), "checks": scorer.checks,
            "diverged": diverged,
            "backend": keras.backend.backend(), "keras": keras.__version__,
            "device": device_name(), "cpu_count": os.cpu_count(),
            "processor": bookkeeping.processor(),
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def order(names, repeat):
    """The candidates' order in repeat ``repeat`` (from 0): rotated by one each repeat."""
    shift = repeat % len(names)
    return names[shift:] + names[:shift]


def summary(rows):
    """``{run: {candidate: {"rows", "reached", "seconds" (median of the reached), "low",
    "high", "epochs" (median), "ratio" (to the baseline's median in the run, or None)}}}``."""
    runs = {}
    for row in rows:
        runs.setdefault(row["run"], {}).setdefault(row["candidate"], []).append(row)
    table = {}
    for run, candidates in runs.items():
        table[run] = {}
        for name, mine in candidates.items():
            seconds = [r["seconds_to_target"] for r in mine if r["seconds_to_target"] is not None]
            epochs = [r["reached_epoch"] for r in mine if r["reached_epoch"] is not None]
            table[run][name] = {"rows": mine, "reached": len(seconds),
                                "seconds": statistics.median(seconds) if seconds else None,
                                "low": min(seconds, default=None), "high": max(seconds, default=None),
                                "epochs": statistics.median(epochs) if epochs else None}
        today = table[run].get(BASELINE, {}).get("seconds")
        for entry in table[run].values():
            # a candidate's median over its reached repeats; with any repeat not reached, none
            whole = entry["reached"] == len(entry["rows"])
            entry["ratio"] = (entry["seconds"] / today if today and whole and entry["seconds"]
                              and table[run][BASELINE]["reached"] == len(table[run][BASELINE]["rows"])
                              else None)
    return table


def format_table(rows):
    """One Markdown table per run: each candidate's seconds to the targets (median over its
    repeats, range in brackets) and the ratio to gankit 0.2's recipe in the same run."""
    out = []
    for run, candidates in summary(rows).items():
        first = next(iter(candidates.values()))["rows"][0]
        targets = ", ".join(f"{m} {v}" for m, v in first["targets"].items())
        loads = [v for c in candidates.values() for r in c["rows"] for v in r["load_average"]]
        out += [f"Run {run}: {first['processor']} ({first['cpu_count']} cores), "
                f"{first['backend']} (Keras {first['keras']}), {first['device']}, "
                f"{first['setting']} setting, {first['n_train']:,} images, targets {targets} on "
                f"{first['n_samples']:,} samples {first['checks_per_epoch']} times an epoch, at most "
                f"{first['max_epochs']} epochs; "
                f"highest load average {max(loads):.1f}", "",
                "| candidate | changes | batch | runs | reached | epochs | s to targets "
                "(k-means included) | ratio to 0.2 | score, recognisable there |",
                "|---|---|---|---|---|---|---|---|---|"]
        for name, c in candidates.items():
            what = CANDIDATES[name][0] if name in CANDIDATES else json.dumps(c["rows"][0]["overrides"])
            seconds = (f"{c['seconds']:.0f} ({c['low']:.0f}..{c['high']:.0f})"
                       if c["seconds"] is not None else "not reached")
            at = [r["checks"][-1] for r in c["rows"] if r["reached_epoch"]]
            scores = (f"{statistics.median(e['classifier_score'] for e in at):.2f}, "
                      f"{statistics.median(e['recognisable_fraction'] for e in at):.3f}"
                      if at else "-")
            ratio = "-" if c["ratio"] is None else f"{c['ratio']:.2f}"
            out.append(f"| {name} | {what} | {c['rows'][0]['batch_size']} | {len(c['rows'])} | "
                       f"{c['reached']} | {'-' if c['epochs'] is None else format(c['epochs'], 'g')} | "
                       f"{seconds} | {ratio} | "
                       f"{scores} |")
        out.append("")
    return "\n".join(out).rstrip()


def parse_candidate(text):
    """``NAME=JSON`` -> ``(name, overrides)``; the keys must be the recipe's or batch_size."""
    name, _, spec = text.partition("=")
    try:
        overrides = json.loads(spec)
    except ValueError:
        overrides = None
    if not name or not isinstance(overrides, dict):
        raise argparse.ArgumentTypeError(f"--candidate takes NAME=JSON, e.g. "
                                         f"'lr3e-4={{\"learning_rate\": 3e-4}}'; got {text!r}.")
    unknown = set(overrides) - set(recipes.RECIPES["dcgan"]) - {"batch_size"}
    if unknown:
        raise argparse.ArgumentTypeError(f"--candidate {name}: unknown entries {sorted(unknown)}; "
                                         f"known: batch_size, {', '.join(recipes.RECIPES['dcgan'])}.")
    return name, overrides


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", nargs="+", choices=list(CANDIDATES),
                        help=f"from the table (default: all; {BASELINE} always trains)")
    parser.add_argument("--candidate", action="append", type=parse_candidate, default=[],
                        metavar="NAME=JSON", help="another candidate: recipe overrides as JSON")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0, help="the first repeat's seed")
    parser.add_argument("--max-epochs", type=int, default=6)
    parser.add_argument("--checks-per-epoch", type=int, default=4,
                        help="scorings per epoch, at equal steps, the last at its end")
    parser.add_argument("--score", type=float, default=9.3, help="classifier score target")
    parser.add_argument("--recognisable", type=float, default=0.93,
                        help="recognisable share target")
    parser.add_argument("--images", type=int, help="training images (default: the setting's)")
    parser.add_argument("--n-samples", type=int, help="samples scored (default: the setting's)")
    parser.add_argument("--out", default=str(PATH), help="the rows file (JSON)")
    parser.add_argument("--table", action="store_true", help="only print the saved rows")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if args.table:
        rows = bookkeeping.read_rows(out)
        print(format_table(rows) if rows else
              f"No rows yet in {out}: run python benchmarks/time_to_quality.py first.")
        return 0
    if min(args.repeats, args.max_epochs, args.checks_per_epoch) < 1:
        parser.error("--repeats, --max-epochs and --checks-per-epoch must be at least 1.")
    candidates = {name: CANDIDATES[name][1] for name in (args.candidates or CANDIDATES)}
    candidates = {BASELINE: OLD, **candidates, **dict(args.candidate)}
    settings = config.settings()
    print(config.describe())
    images, labels = data.load_mnist("train", verbose=False)
    n_train = min(args.images or settings.n_train, len(images))
    if n_train < len(images):
        images = data.subset(images, n=n_train, seed=0)
    x = data.to_model_range(images)
    n_samples = args.n_samples or settings.n_samples
    targets = {"classifier_score": args.score, "recognisable_fraction": args.recognisable}
    run = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    os.environ.setdefault("GANKIT_FIGURES_DIR", tempfile.mkdtemp(prefix="ttq-figures-"))
    print(f"run {run}: {bookkeeping.processor()}, {len(x):,} images, candidates "
          f"{', '.join(candidates)}, {args.repeats} repeat(s), targets {targets}")
    key = lambda r: (r["run"], r["candidate"], r["seed"])
    for repeat in range(args.repeats):
        for name in order(list(candidates), repeat):
            row = run_candidate(name, candidates[name], x, settings, args.seed + repeat,
                                args.max_epochs, targets, n_samples, args.checks_per_epoch)
            bookkeeping.save_row(out, {"run": run, "repeat": repeat, **row}, key)
            reached = (f"reached after {row['reached_epoch']:g} epochs, "
                       f"{row['seconds_to_target']:.1f} s" if row["reached_epoch"] else
                       f"not reached: {row['diverged']}" if row["diverged"] else
                       f"not reached in {args.max_epochs} epochs")
            print(f"{name}, seed {row['seed']}: {reached} (k-means {row['cluster_seconds']:.1f} s; "
                  f"scoring {row['score_seconds']:.1f} s, not counted); epochs: s, score, share: "
                  + "; ".join(f"{e['epoch']}: {e['train_seconds']:.0f} s, "
                              f"{e['classifier_score']:.2f}, {e['recognisable_fraction']:.3f}"
                              for e in row["checks"]), flush=True)
    print(format_table([r for r in bookkeeping.read_rows(out) if r["run"] == run]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
