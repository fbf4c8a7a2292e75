"""The quality table: train (or load) each model of the kit, generate samples, score them.

    python benchmarks/quality.py                         # full setting, every model
    python benchmarks/quality.py --models dcgan --epochs 20
    python benchmarks/quality.py --quick                 # a few steps, for a smoke test
    python benchmarks/quality.py --table                 # print the table from saved results
    GANKIT_SETTING=full python benchmarks/quality.py --models dcgan --export   # ship it
    GANKIT_SETTING=laptop python benchmarks/quality.py --models vanilla dcgan ccgan
    python benchmarks/quality.py --table --out gankit/results/laptop

The full setting's results are the quality table, in ``gankit/results/``; the laptop setting's
go into ``gankit/results/laptop/`` and the quick setting's into ``runs/quality-quick/``
(``--out`` chooses another folder). For each model it writes ``<model>.json`` (every score of
``gankit.evaluation.scores.score_images`` on 10,000 samples, training epochs, wall time, backend and
device) and ``<model>_samples.npz`` (5,000 samples, ``uint8``, key ``images``, and ``labels``
for conditional models), so anyone can re-score them, and ``<model>_grid.png`` (the first 100
samples; conditional models draw digit ``i % 10`` in column ``i``). GANs train through
``gankit.recipes`` with a checkpoint under ``runs/quality/<setting>/<model>``: a rerun with the
same epochs loads the trained model instead of training again, and an interrupted run resumes.

``--export`` (full setting only) also writes the trained generator, rounded to float16, and its
provenance record to ``gankit/weights/`` (``benchmarks/export.py``): the generator that
``gankit.pretrained.load_generator`` returns.
"""

import argparse
import json
import os
import platform
import time

import matplotlib.pyplot as plt
import numpy as np
import keras

from gankit import config, data, plotting, recipes, results, training
from gankit.evaluation.scores import reference_scores, score_images
from gankit.files import replacing
from gankit.ppca import ClassConditionalPPCA
import bookkeeping
import export

GANS = ("vanilla", "dcgan", "ccgan")
COLUMNS = ("classifier_score", "frechet_distance", "recognisable_fraction", "covered",
           "kl_from_uniform", "conditional_accuracy")


def device_name():
    backend = keras.backend.backend()
    if backend == "jax":
        import jax
        return jax.devices()[0].device_kind
    if backend == "torch":
        import torch
        return torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"
    import tensorflow as tf
    return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"


def run_gan(kind, epochs, settings, runs_dir, seed):
    images, labels = data.load_mnist("train")
    if settings.n_train < len(images):
        images, labels = data.subset(images, labels, n=settings.n_train, seed=seed)
    keras.utils.set_random_seed(seed)
    gan = recipes.make_gan(kind, seed=seed)
    run_dir = os.path.join(runs_dir, kind)
    x = data.to_model_range(images)
    start = time.perf_counter()
    if gan.clusters is not None:  # k-means on the training images (fit would do it too)
        gan.clusters.fit(x)
    cluster_seconds = time.perf_counter() - start
    training.train(gan, x, labels if gan.conditional else None,
                  epochs=epochs, batch_size=settings.batch_size[kind], out_dir=run_dir,
                  sample_every=max(1, epochs), show=False, verbose=2)
    n = settings.n_samples
    sample_labels = gan.class_labels(n)
    samples = gan.generate(n, seed=seed, labels=sample_labels)
    # train_seconds: the epochs (of every session of a resumed run) and the clustering
    info = {"epochs": epochs,
            "train_seconds": round(training.logged_seconds(run_dir) + cluster_seconds, 1),
            "n_train": len(images), "batch_size": settings.batch_size[kind],
            "recipe": recipes.RECIPES[kind], "setting": settings.name, "seed": seed}
    if gan.clusters is not None:  # the labels are read for the purity only
        info.update(cluster_seconds=round(cluster_seconds, 1),
                    cluster_purity=round(gan.clusters.purity(images, labels), 3))
    return gan, samples, sample_labels, info


def run_ppca(settings, seed, n_components=64):
    images, labels = data.load_mnist("train")
    if settings.n_train < len(images):
        images, labels = data.subset(images, labels, n=settings.n_train, seed=seed)
    start = time.perf_counter()
    model = ClassConditionalPPCA(n_components).fit(images, labels)
    seconds = time.perf_counter() - start
    sample_labels = (np.arange(settings.n_samples) % 10).astype("uint8")
    samples, _ = model.sample(settings.n_samples, labels=sample_labels, seed=seed)
    info = {"epochs": None, "train_seconds": round(seconds, 1), "n_train": len(images),
            "n_components": n_components, "per_class": True}
    return samples, sample_labels, info


def write_result(kind, samples, labels, info, out_dir):
    start = time.perf_counter()
    scores = score_images(samples, labels=labels)
    row = {"model": kind, **info, "n_samples": len(samples), "backend": keras.backend.backend(),
           "device": device_name(), "machine": platform.machine(),
           "processor": bookkeeping.processor(), **scores,
           "score_seconds": round(time.perf_counter() - start, 1)}
    os.makedirs(out_dir, exist_ok=True)
    bookkeeping.write_json(os.path.join(out_dir, f"{kind}.json"), row)
    arrays = {"images": data.to_uint8(samples[:5000])}
    if labels is not None:
        arrays["labels"] = labels[:5000]
    with replacing(os.path.join(out_dir, f"{kind}_samples.npz")) as temporary:
        with open(temporary, "wb") as f:
            np.savez_compressed(f, **arrays)
    plt.close(plotting.plot_grid(samples[:100], ncols=10, title=f"{kind}: the first 100 samples",
                                 path=os.path.join(out_dir, f"{kind}_grid.png")))
    return row


def default_out(setting):
    """Where a setting's results go: the shipped quality table for ``full``."""
    return {"full": results.FOLDER, "laptop": results.FOLDER / "laptop"}.get(
        setting, os.path.join("runs", f"quality-{setting}"))


def default_runs(setting):
    """Where a setting's checkpoints go (``augmentation.py`` shares them)."""
    return os.path.join("runs", "quality", setting)


def fmt(value, digits=3):
    if value is None:
        return "-"
    return f"{value:.{digits}g}" if isinstance(value, float) else str(value)


def print_table(out_dir):
    references = reference_scores()
    real_fd = references["real_train"]["frechet_distance"]
    print("| model | epochs | train s | backend / device | score | Fréchet | Fréchet / real | "
          "recognisable | classes | KL(uniform) | cond. acc. |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in GANS + ("ppca",):
        path = os.path.join(out_dir, f"{kind}.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            row = json.load(f)
        print(f"| {kind} | {fmt(row['epochs'])} | {row['train_seconds']:.0f} | "
              f"{row['backend']} / {row['device']} | {fmt(row['classifier_score'])} | "
              f"{fmt(row['frechet_distance'])} | {row['frechet_distance'] / real_fd:.1f}x | "
              f"{fmt(row['recognisable_fraction'])} | {row['covered']} | "
              f"{fmt(row['kl_from_uniform'])} | {fmt(row.get('conditional_accuracy'))} |")
    for name, row in references.items():
        print(f"| reference: {name} | | | | {fmt(row['classifier_score'])} | "
              f"{fmt(row['frechet_distance'])} | | {fmt(row['recognisable_fraction'])} | "
              f"{row['covered']} | {fmt(row['kl_from_uniform'])} | |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=list(GANS) + ["ppca"],
                        choices=list(GANS) + ["ppca"])
    parser.add_argument("--epochs", type=int, help="epochs for every GAN (default: the setting's)")
    parser.add_argument("--quick", action="store_true", help="quick mode (GANKIT_QUICK=1)")
    parser.add_argument("--out", help="results folder (default: the setting's, see above)")
    parser.add_argument("--runs", help="checkpoints folder (default: runs/quality/<setting>)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--table", action="store_true", help="only print the saved table")
    parser.add_argument("--export", action="store_true",
                        help="also ship each GAN's generator in gankit/weights (full setting)")
    args = parser.parse_args()
    if args.table:
        print_table(args.out or results.FOLDER)
        return
    if args.quick:
        os.environ["GANKIT_QUICK"] = "1"
    settings = config.settings()
    print(config.describe())
    out = args.out or default_out(settings.name)
    runs = args.runs or default_runs(settings.name)
    if args.export and (settings.name != "full" or args.epochs):
        parser.error("--export ships the full setting's generators: run it with "
                     "GANKIT_SETTING=full and without --epochs.")
    for kind in args.models:
        if kind == "ppca":
            # quick mode keeps about 50 images a class: too few for 64 components each
            samples, labels, info = run_ppca(settings, args.seed,
                                             n_components=32 if settings.name == "quick" else 64)
        else:
            epochs = args.epochs or settings.epochs[kind]
            gan, samples, labels, info = run_gan(kind, epochs, settings, runs, args.seed)
            if args.export:
                shipped = export.export(gan, kind, {
                    **info, "backend": keras.backend.backend(), "device": device_name(),
                    "keras": keras.__version__, "command": f"GANKIT_SETTING=full KERAS_BACKEND="
                    f"{keras.backend.backend()} python benchmarks/quality.py --models {kind} "
                    f"--export"}, n_samples=settings.n_samples, seed=args.seed)
                print(f"Shipped the {kind} generator: {shipped['weights']}")
        row = write_result(kind, samples, labels, info, out)
        print(json.dumps({k: row[k] for k in ("model", "epochs", "train_seconds") + COLUMNS
                          if k in row}))
    print_table(out)


if __name__ == "__main__":
    main()
