"""From the plain DCGAN to the kit's DCGAN recipe, one change at a time, at equal time.

    python benchmarks/dcgan_ladder.py                        # every rung, seeds 0 and 1, 150 s
    python benchmarks/dcgan_ladder.py --rungs plain half-b64 --seeds 0
    python benchmarks/dcgan_ladder.py --table                # the saved rows only

Each rung adds one change to the rung before it, starting from the plain DCGAN that notebook
02 teaches (``recipes.RECIPES["dcgan_plain"]``) and ending at the kit's recipe
(``recipes.RECIPES["dcgan"]``). Every rung trains through ``training.train`` (the learner's
path) on all 60,000 MNIST digits for the same wall-clock budget, ``--seconds`` (its k-means
included), then ``n_samples`` samples of the setting (10,000 outside quick mode) are scored
with the kit's evaluator. Rows go into ``gankit/results/dcgan_ladder.json``, keyed by rung,
seed, budget and backend, so a rerun skips finished ones; each keeps the load average around its
training (run it on an otherwise idle machine). Notebook 02 reads the table.
"""

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import keras

from gankit import config, data, recipes, results, training
from gankit.evaluation.scores import score_images
import bookkeeping

PATH = results.FOLDER / "dcgan_ladder.json"
HALF = {"generator": {"filters": (128, 64, 32), "kernel_size": 5},
        "discriminator": {"filters": (32, 64), "kernel_size": 5, "dropout": 0.3}}
# name: (the change this rung adds, overrides of the plain DCGAN, batch size)
RUNGS = {
    "plain": ("the plain DCGAN: generator 256-128-64, discriminator 64-128, batch 256", {}, 256),
    "b64": ("batch 64: four times the steps per epoch", {}, 64),
    "half-b64": ("every channel count halved: generator 128-64-32, discriminator 32-64", HALF, 64),
    "half-b64-sim": ("the simultaneous update: both steps from one generated batch",
                     {**HALF, "update": "simultaneous"}, 64),
    "half-b64-sim-ema": ("a moving average of the generator's weights (momentum 0.999)",
                         {**HALF, "update": "simultaneous", "ema_momentum": 0.999}, 64),
    "half-b64-sim-ema-k100": ("100 k-means clusters as labels (a self-conditioned GAN): the "
                              "recipe of gankit 0.2", {**HALF, "update": "simultaneous",
                                                       "ema_momentum": 0.999, "clusters": 100}, 64),
    "half-b64-sim-ema0.995-k100": ("the average over about 200 steps (momentum 0.995)",
                                   {**HALF, "update": "simultaneous", "ema_momentum": 0.995,
                                    "clusters": 100}, 64),
    "recipe": ("both learning rates doubled, 4e-4: the kit's recipe",
               {**HALF, "update": "simultaneous", "ema_momentum": 0.995, "clusters": 100,
                "learning_rate": 4e-4, "d_learning_rate": 4e-4}, 64),
}


class StopAfter(keras.callbacks.Callback):
    """Stop training at the end of the batch during which ``seconds`` of wall time (counted
    from ``start``, a ``time.perf_counter()`` value) have passed; ``batches`` counts them."""

    def __init__(self, seconds, start):
        super().__init__()
        self.seconds, self.start, self.batches = seconds, start, 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        if time.perf_counter() - self.start >= self.seconds:
            self.model.stop_training = True


def run_rung(name, seed, seconds, images, n_samples):
    """Train one rung for ``seconds``; return its row."""
    what, overrides, batch_size = RUNGS[name]
    keras.utils.set_random_seed(seed)
    load_before = os.getloadavg()[0]
    gan = recipes.make_gan("dcgan_plain", seed=seed, **overrides)
    x = data.to_model_range(images)
    start = time.perf_counter()
    if gan.clusters is not None:
        gan.clusters.fit(x)  # inside the budget: the learner waits for it too
    stop = StopAfter(seconds, start)
    training.train(gan, x, epochs=1000, batch_size=batch_size, show=False, verbose=0,
                   extra_callbacks=[stop])
    trained = time.perf_counter() - start
    score_start = time.perf_counter()
    scores = score_images(gan.generate(n_samples, seed=seed))
    return {"rung": name, "what": what, "overrides": overrides, "batch_size": batch_size,
            "seed": seed, "budget_seconds": seconds, "train_seconds": round(trained, 1),
            "steps": stop.batches, "epochs": round(stop.batches * batch_size / len(images), 2),
            "n_train": len(images),
            "backend": keras.backend.backend(), "keras": keras.__version__,
            "generator_parameters": gan.generator.count_params(),
            # the 1-minute load average before and after: far above the core count, other work
            # shared the CPU and the rung got less than its budget
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "cpu_count": os.cpu_count(), "processor": bookkeeping.processor(),
            "n_samples": n_samples, "score_seconds": round(time.perf_counter() - score_start, 1),
            **{k: scores[k] for k in ("classifier_score", "frechet_distance",
                                      "recognisable_fraction", "covered")}}


def summary(rows, seconds=None):
    """``{rung: {metric: (mean, low, high), "seeds": n}}`` over the rows of one budget (the
    largest if not given), in ``RUNGS`` order."""
    seconds = seconds or max((r["budget_seconds"] for r in rows), default=None)
    table = {}
    for name in RUNGS:
        mine = [r for r in rows if r["rung"] == name and r["budget_seconds"] == seconds]
        if mine:
            table[name] = {"seeds": len(mine), **{
                metric: (sum(r[metric] for r in mine) / len(mine), min(r[metric] for r in mine),
                         max(r[metric] for r in mine))
                for metric in ("classifier_score", "frechet_distance", "recognisable_fraction",
                               "epochs")}}
    return table


def format_table(rows):
    """The rungs as a Markdown table: mean over the seeds, min..max beside it."""
    lines = ["| rung | adds | batch | seeds | epochs | score | Fréchet | recognisable |",
             "|---|---|---|---|---|---|---|---|"]
    for name, row in summary(rows).items():
        cell = lambda m, f: (f"{row[m][0]:{f}} ({row[m][1]:{f}}..{row[m][2]:{f}})")
        lines.append(f"| {name} | {RUNGS[name][0]} | {RUNGS[name][2]} | {row['seeds']} | "
                     f"{cell('epochs', '.2f')} | {cell('classifier_score', '.2f')} | "
                     f"{cell('frechet_distance', '.1f')} | "
                     f"{cell('recognisable_fraction', '.3f')} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rungs", nargs="+", default=list(RUNGS), choices=list(RUNGS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--seconds", type=float, default=150.0)
    parser.add_argument("--out", default=str(PATH), help="the rows file (JSON)")
    parser.add_argument("--table", action="store_true", help="only print the saved rows")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error(f"--seconds must be positive, got {args.seconds}.")
    out = Path(args.out)
    if not args.table:
        settings = config.settings()
        print(config.describe())
        images, labels = data.load_mnist("train", verbose=False)
        if settings.n_train < len(images):
            images, _ = data.subset(images, labels, n=settings.n_train, seed=0)
        key = lambda r: (r["rung"], r["seed"], r["budget_seconds"], r["backend"], r["n_train"])
        os.environ.setdefault("GANKIT_FIGURES_DIR", tempfile.mkdtemp(prefix="ladder-figures-"))
        for seed in args.seeds:
            for name in args.rungs:
                if any(key(r) == (name, seed, args.seconds, keras.backend.backend(), len(images))
                       for r in bookkeeping.read_rows(out)):
                    print(f"{name}, seed {seed}: finished earlier")
                    continue
                row = run_rung(name, seed, args.seconds, images, settings.n_samples)
                bookkeeping.save_row(out, row, key)
                print(json.dumps({k: row[k] for k in ("rung", "seed", "epochs",
                                                      "classifier_score", "frechet_distance",
                                                      "recognisable_fraction")}), flush=True)
    print(format_table(bookkeeping.read_rows(out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
