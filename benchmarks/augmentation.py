"""The augmentation study: does adding generated digits help a classifier?

    python benchmarks/augmentation.py              # full setting (a GPU, or a long CPU run)
    python benchmarks/augmentation.py --quick      # tiny sizes and 1 epoch, a smoke test
    python benchmarks/augmentation.py --table      # print the table from saved results

A class-conditional GAN (``recipes.make_gan("ccgan")``) is trained, or loaded from its
checkpoint under ``runs/quality/<setting>/ccgan`` (shared with ``benchmarks/quality.py``), then
``gankit.studies.augmentation.augmentation_study`` trains fresh classifiers of the evaluator's
architecture on training sets of a fixed size whose real share varies, on generated digits
alone, and on a small real set with and without generated digits, and tests each on real MNIST
test digits. Writes ``augmentation.json`` (every record, the summary over seeds, the settings,
backend and device) and ``augmentation.png`` into the setting's results folder, as
``benchmarks/quality.py`` does: ``gankit/results/`` for the full setting.
Notebook 03 runs the same function with the notebook's sizes.
"""

import argparse
import json
import os
import platform
import time

import keras

from gankit import config, data, recipes, results, training
from gankit.studies import augmentation as augmentation_study
import bookkeeping
from quality import default_out, default_runs, device_name


def train_ccgan(settings, epochs, runs_dir, seed):
    """The CCGAN of the quality benchmark: same data, recipe and checkpoint folder."""
    images, labels = data.load_mnist("train")
    if settings.n_train < len(images):
        images, labels = data.subset(images, labels, n=settings.n_train, seed=seed)
    keras.utils.set_random_seed(seed)
    gan = recipes.make_gan("ccgan", seed=seed)
    training.train(gan, data.to_model_range(images), labels, epochs=epochs,
                  batch_size=settings.batch_size["ccgan"], out_dir=os.path.join(runs_dir, "ccgan"),
                  sample_every=max(1, epochs), show=False, verbose=2)
    return gan


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="quick mode (GANKIT_QUICK=1)")
    parser.add_argument("--total", type=int, help="size of the fixed-size training sets "
                        "(default: study.total)")
    parser.add_argument("--small-real", type=int, help="size of the small real set "
                        "(default: study.small_real)")
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.1, 0.2, 0.5, 1.0],
                        help="real shares of the fixed-size sets")
    parser.add_argument("--seeds", type=int, nargs="+", help="default: study.seeds")
    parser.add_argument("--epochs", type=int, help="classifier epochs "
                        "(default: study.classifier_epochs)")
    parser.add_argument("--gan-epochs", type=int, help="default: settings.epochs['ccgan']")
    parser.add_argument("--out", help="results folder (default: the setting's, as quality.py)")
    parser.add_argument("--runs", help="checkpoints folder (default: runs/quality/<setting>)")
    parser.add_argument("--table", action="store_true", help="only print the saved table")
    args = parser.parse_args()
    if args.table:
        with open(os.path.join(args.out or results.FOLDER, "augmentation.json")) as f:
            print(augmentation_study.format_study_table(json.load(f)["records"]))
        return
    if args.quick:
        os.environ["GANKIT_QUICK"] = "1"
    settings = config.settings()
    study = settings.augmentation
    out = args.out or default_out(settings.name)
    runs = args.runs or default_runs(settings.name)
    result_path = os.path.join(out, "augmentation.json")
    total = args.total or study.total
    small_real = args.small_real or study.small_real
    seeds = args.seeds or list(study.seeds)
    epochs = args.epochs or study.classifier_epochs
    gan_epochs = args.gan_epochs or settings.epochs["ccgan"]

    gan = train_ccgan(settings, gan_epochs, runs, seed=seeds[0])
    gan_seconds = training.logged_seconds(os.path.join(runs, "ccgan"))  # all (resumed) fits
    # The real pool is the whole training set: the study draws `total` images from it per set.
    real_images, real_labels = data.load_mnist("train")
    test_images, test_labels = data.load_mnist("test")
    test_images, test_labels = data.subset(test_images, test_labels, n=settings.n_test, seed=0)
    start = time.perf_counter()
    records = augmentation_study.augmentation_study(
        gan, real_images, real_labels, test_images, test_labels, total=total,
        real_fractions=args.fractions, small_real=small_real, seeds=seeds, epochs=epochs)
    study_seconds = time.perf_counter() - start

    os.makedirs(out, exist_ok=True)
    result = {"settings": {"setting": settings.name, "quick": settings.name == "quick", "total": total,
                           "small_real": small_real,
                           "real_fractions": args.fractions, "seeds": seeds,
                           "classifier_epochs": epochs, "gan_epochs": gan_epochs,
                           "gan_n_train": settings.n_train, "n_test": len(test_images)},
              "backend": keras.backend.backend(), "device": device_name(),
              "machine": platform.machine(), "gan_seconds": round(gan_seconds, 1),
              "study_seconds": round(study_seconds, 1), "records": records,
              "summary": augmentation_study.summarise_study(records)}
    bookkeeping.write_json(result_path, result)
    plot_path = os.path.join(out, "augmentation.png")
    augmentation_study.plot_study(
        records, path=plot_path,
        title=f"Classifiers tested on {len(test_images):,} real MNIST digits")
    print(augmentation_study.format_study_table(records))
    print(f"wrote {result_path} and {plot_path}")


if __name__ == "__main__":
    main()
