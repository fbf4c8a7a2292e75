"""What each change of the DCGAN recipe costs and buys on this machine: speed and scores.

    python benchmarks/recipe_levers.py                          # every lever, 4 epochs each
    python benchmarks/recipe_levers.py --levers paper half --epochs 8
    python benchmarks/recipe_levers.py --table                  # the saved rows only

Each lever is a set of recipe overrides (``gankit.recipes.make_gan``; ``"dtype_policy"`` builds
the networks under that Keras dtype policy) and a batch size, applied to the recipe as it was
before the DCGAN's generator was averaged and trained on clusters, with the 64-128
discriminator and the alternating update (``BEFORE``). It
trains the DCGAN (or, with ``--model ccgan``, the CCGAN) on all 60,000 MNIST digits for
``--epochs`` epochs, then scores ``n_samples`` samples of the setting (10,000 outside quick
mode) with the kit's evaluator. Every finished row goes into
``gankit/results/recipe_levers.json`` (``benchmarks/results`` links there), keyed by model,
lever, epochs and backend, so a rerun skips it; training runs are checkpointed under
``runs/levers/``, so an interrupted lever resumes and a larger ``--epochs`` continues it
(``--epochs 4``, then ``8``, ... gives one row per stage of one run). Each row keeps the load
average around its training: its speed is the lever's own only on an otherwise idle machine
(``benchmarks/train_speed.py`` measures speed alone, in a few minutes).
"""

import argparse
import json
import os
import time
from pathlib import Path

import keras

from gankit import config, data, recipes, results, training
from gankit.evaluation.scores import score_images
import bookkeeping

HALF = {"generator": {"filters": (128, 64, 32), "kernel_size": 5},
        "discriminator": {"filters": (32, 64), "kernel_size": 5, "dropout": 0.3}}

# name: (what it changes, recipe overrides, batch size)
LEVERS = {
    "paper": ("the DCGAN paper's channels (generator 256-128-64), batch 256: the first recipe",
              {"generator": {"filters": (256, 128, 64), "kernel_size": 5}}, 256),
    "half": ("every channel count halved", HALF, 256),
    "half-b64": ("halved, batch 64 (four times the steps per epoch)", HALF, 64),
    "half-b128": ("halved, batch 128", HALF, 128),
    "half-b64-ttur": ("halved, batch 64, D learns at 4e-4 and G at 1e-4 (two time-scale)",
                      {**HALF, "learning_rate": 1e-4, "d_learning_rate": 4e-4}, 64),
    "half-b64-k3": ("halved, batch 64, 3x3 kernels in both networks",
                    {"generator": {**HALF["generator"], "kernel_size": 3},
                     "discriminator": {**HALF["discriminator"], "kernel_size": 3}}, 64),
    "half-b64-wide-d": ("halved generator, the kit's discriminator (64-128), batch 64",
                        {"generator": HALF["generator"]}, 64),
    "half-b64-wide-d-ls": ("the recipe (half-b64-wide-d) with one-sided label smoothing 0.1 "
                           "(the discriminator's target for real digits is 0.9)",
                           {"generator": HALF["generator"], "label_smoothing": 0.1}, 64),
    "half-sim": ("halved, batch 256, simultaneous update (one generator pass per step)",
                 {**HALF, "update": "simultaneous"}, 256),
    "half-b64-sim": ("halved, batch 64, simultaneous update (one generator pass per step)",
                     {**HALF, "update": "simultaneous"}, 64),
    "half-b64-bf16": ("halved, batch 64, bfloat16 compute (Keras's mixed_bfloat16 policy)",
                      {**HALF, "dtype_policy": "mixed_bfloat16"}, 64),
    "half-b64-sim-bf16": ("halved, batch 64, simultaneous update, bfloat16 compute",
                          {**HALF, "update": "simultaneous", "dtype_policy": "mixed_bfloat16"},
                          64),
    "half-b64-wide-d-ema": ("the recipe (half-b64-wide-d) with the generator's weights averaged "
                            "(EMA, momentum 0.999, batch-norm statistics of the average)",
                            {"generator": HALF["generator"], "ema_momentum": 0.999}, 64),
    "half-b64-wide-d-bf16": ("the recipe (half-b64-wide-d) computing in bfloat16 (Keras's "
                             "mixed_bfloat16 policy; the weights stay float32)",
                             {"generator": HALF["generator"], "dtype_policy": "mixed_bfloat16"},
                             64),
    "half-b64-ema": ("halved, batch 64, the generator's weights averaged (EMA, momentum 0.999)",
                     {**HALF, "ema_momentum": 0.999}, 64),
}


def clustered(k, averaged=False):
    """The lever of the recipe pair trained on ``k`` k-means clusters (``gankit.clusters``)."""
    base = "half-b64-wide-d-ema: the generator averaged" if averaged else "half-b64-wide-d"
    what = (f"the recipe ({base}) conditioned on {k} k-means clusters of the training images "
            "(no labels); samples drawn with the clusters' frequencies")
    overrides = {"generator": HALF["generator"], "clusters": k,
                 **({"ema_momentum": 0.999} if averaged else {})}
    return what, overrides, 64


LEVERS.update({f"half-b64-wide-d-k{k}": clustered(k) for k in (10, 30, 100, 300)})
LEVERS.update({f"half-b64-wide-d-k{k}-ema": clustered(k, averaged=True) for k in (10, 30, 100)})
SIMULTANEOUS_K100 = ("on 100 k-means clusters, the generator averaged, simultaneous update "
                     "(one generator pass per step)")
LEVERS.update({
    "half-b64-sim-k100-ema": (f"halved, batch 64, {SIMULTANEOUS_K100}",
                              {**HALF, "update": "simultaneous", "clusters": 100,
                               "ema_momentum": 0.999}, 64),
    "half-b64-wide-d-sim-k100-ema": (f"the recipe pair (half-b64-wide-d) {SIMULTANEOUS_K100}",
                                     {"generator": HALF["generator"], "update": "simultaneous",
                                      "clusters": 100, "ema_momentum": 0.999}, 64)})
PATH = results.FOLDER / "recipe_levers.json"
# The levers change the DCGAN recipe as it was before its generator was averaged and trained on
# clusters, with the 64-128 discriminator and the alternating update: a lever changes any of
# these only if it says so.
BEFORE = {"ema_momentum": None, "clusters": None, "update": "alternating",
          "discriminator": {"filters": (64, 128), "kernel_size": 5, "dropout": 0.3}}


def make_lever_gan(model, name, seed=0):
    """The compiled GAN of a lever: ``recipes.make_gan`` with its overrides (on ``BEFORE``),
    the networks built under the lever's Keras dtype policy (``"dtype_policy"``, e.g.
    ``"mixed_bfloat16"``) if any."""
    overrides = {**{k: v for k, v in BEFORE.items() if k in recipes.RECIPES[model]},
                 **LEVERS[name][1]}
    policy = overrides.pop("dtype_policy", None)
    if overrides.get("clusters") and model != "dcgan":
        raise ValueError(f"Lever {name!r} trains the DCGAN on clusters: use --model dcgan.")
    previous = keras.config.dtype_policy()
    if policy:
        keras.config.set_dtype_policy(policy)
    try:
        return recipes.make_gan(model, seed=seed, **overrides)
    finally:
        keras.config.set_dtype_policy(previous)


def run_lever(model, name, epochs, settings, runs_dir, seed=0):
    """Train one lever; return its row (speed, scores)."""
    what, overrides, batch_size = LEVERS[name]
    images, labels = data.load_mnist("train", verbose=False)
    if settings.n_train < len(images):
        images, labels = data.subset(images, labels, n=settings.n_train, seed=seed)
    keras.utils.set_random_seed(seed)
    load_before = os.getloadavg()[0]
    gan = make_lever_gan(model, name, seed=seed)
    run_dir = os.path.join(runs_dir, f"{model}-{name}-{keras.backend.backend()}")
    training.train(gan, data.to_model_range(images), labels if gan.conditional else None,
                   epochs=epochs, batch_size=batch_size, out_dir=run_dir,
                   sample_every=max(1, epochs), show=False, verbose=2,
                   run={"lever": name, "recipe": model, "seed": seed})
    seconds = training.logged_seconds(run_dir)
    n = settings.n_samples
    sample_labels = gan.class_labels(n)
    start = time.perf_counter()  # a GAN with clusters draws them itself (GAN.generate)
    scores = score_images(gan.generate(n, seed=seed, labels=sample_labels), labels=sample_labels)
    keep = ("classifier_score", "frechet_distance", "recognisable_fraction", "covered",
            "conditional_accuracy")
    return {"model": model, "lever": name, "what": what, "overrides": overrides,
            "batch_size": batch_size, "epochs": epochs, "n_train": len(images),
            "backend": keras.backend.backend(), "keras": keras.__version__,
            "train_seconds": round(seconds, 1),
            "images_per_second": round(epochs * len(images) / seconds),
            "generator_parameters": gan.generator.count_params(),
            # the 1-minute load average before and after training: far above the core count,
            # other work shared the CPU and images_per_second is not the lever's own speed
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "cpu_count": os.cpu_count(), "processor": bookkeeping.processor(),
            "n_samples": n, "score_seconds": round(time.perf_counter() - start, 1),
            **{k: scores[k] for k in keep if k in scores},
            # the share of images whose digit is their cluster's most common one (the labels
            # are read for this number only)
            **({"cluster_purity": round(gan.clusters.purity(images, labels), 3)}
               if gan.clusters is not None else {})}


def format_table(rows):
    """The rows as a Markdown table; "load" is the highest 1-minute load average around the
    training (above the row's ``cpu_count``, other work shared the CPU: "-" where not kept),
    "CPU" the processor's model ("-" where not kept)."""
    lines = ["| model | lever | batch | epochs | train s | images/s | load | CPU | score | "
             "Fréchet | recognisable | cond. acc. |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        accuracy = r.get("conditional_accuracy")
        load = f"{max(r['load_average']):.1f}" if r.get("load_average") else "-"
        lines.append(f"| {r['model']} | {r['lever']} | {r['batch_size']} | {r['epochs']} | "
                     f"{r['train_seconds']:.0f} | {r['images_per_second']:,} | {load} | "
                     f"{r.get('processor', '-')} | "
                     f"{r['classifier_score']:.2f} | {r['frechet_distance']:.1f} | "
                     f"{r['recognisable_fraction']:.3f} | "
                     f"{'-' if accuracy is None else f'{accuracy:.3f}'} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="dcgan", choices=["dcgan", "ccgan"])
    parser.add_argument("--levers", nargs="+", default=list(LEVERS), choices=list(LEVERS))
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--runs", default="runs/levers")
    parser.add_argument("--out", default=str(PATH), help="the rows file (JSON)")
    parser.add_argument("--table", action="store_true", help="only print the saved rows")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be a positive integer, got {args.epochs}.")
    out = Path(args.out)
    if not args.table:
        settings = config.settings()
        print(config.describe())
        for name in args.levers:
            key = lambda r: (r["model"], r["lever"], r["epochs"], r["backend"], r["n_train"])
            if any(key(r) == (args.model, name, args.epochs, keras.backend.backend(),
                              settings.n_train) for r in bookkeeping.read_rows(out)):
                print(f"{name}: finished earlier")
                continue
            row = run_lever(args.model, name, args.epochs, settings, args.runs)
            bookkeeping.save_row(out, row, key)
            print(json.dumps({k: row[k] for k in ("lever", "images_per_second",
                                                  "classifier_score", "frechet_distance")}))
    print(format_table(bookkeeping.read_rows(out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
