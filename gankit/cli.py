"""The command line, for headless and GPU runs.

    python -m gankit train {vanilla,dcgan,ccgan} [--epochs N] [--quick] [--out DIR]
    python -m gankit evaluator train [--epochs N] [--seed S] [--out PATH]

``train`` writes into ``--out`` (default ``runs/<model>``): ``samples.png`` (a sample grid),
``losses.png`` (the loss curves), ``gan.weights.h5`` and ``generator.weights.h5`` (the final
weights), ``samples.npz`` (key ``images``, ``uint8 (N, 28, 28)``, 10,000 samples unless
``--n-samples`` says otherwise; 256 in quick mode), ``log.csv`` and ``checkpoint/``: run the
same command again after an interruption and it resumes.

Introduced in notebook 02.
"""

import argparse
import os
import time


def _train(args):
    if args.quick:
        os.environ["GANKIT_QUICK"] = "1"
    import keras
    from gankit import config, data, recipes

    settings = config.settings()
    epochs = args.epochs if args.epochs is not None else settings.epochs[args.model]
    n_samples = args.n_samples if args.n_samples is not None else (
        settings.n_samples if settings.quick else 10_000)
    out = args.out or os.path.join("runs", args.model)
    keras.utils.set_random_seed(args.seed)
    images, labels = data.load_mnist("train")
    if settings.n_train < len(images):
        images, labels = data.subset(images, labels, n=settings.n_train, seed=args.seed)
    gan = recipes.make_gan(args.model, seed=args.seed)
    print(f"Training {gan.name} for {epochs} epochs on {len(images):,} images "
          f"({'quick' if settings.quick else 'full'} setting, backend "
          f"{keras.backend.backend()}); writing to {out}")
    start = time.perf_counter()
    recipes.train(gan, data.to_model_range(images), labels if gan.conditional else None,
                  epochs=epochs, batch_size=args.batch_size or settings.batch_size,
                  out_dir=out, sample_every=max(1, epochs), show=False)
    print(f"Trained in {time.perf_counter() - start:.1f} s.")
    gan.save_weights(os.path.join(out, "gan.weights.h5"))
    gan.generator.save_weights(os.path.join(out, "generator.weights.h5"))
    recipes.save_samples(gan, os.path.join(out, "samples.npz"), n=n_samples, seed=args.seed)
    print(f"Wrote samples.png, losses.png, gan.weights.h5, generator.weights.h5 and "
          f"samples.npz ({n_samples:,} samples) to {out}")
    return 0


def _train_evaluator(args):
    from gankit import evaluator
    result = evaluator.train_evaluator(epochs=args.epochs, seed=args.seed, path=args.out)
    print(result)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gankit", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a GAN and write its samples")
    train.add_argument("model", choices=["vanilla", "dcgan", "ccgan"])
    train.add_argument("--epochs", type=int, help="default: the setting's epochs for the model")
    train.add_argument("--quick", action="store_true", help="quick mode (same as GANKIT_QUICK=1)")
    train.add_argument("--out", help="output folder (default runs/<model>)")
    train.add_argument("--n-samples", type=int, help="samples to save (default 10,000)")
    train.add_argument("--batch-size", type=int, help="default: the setting's batch size")
    train.add_argument("--seed", type=int, default=0)
    train.set_defaults(run=_train)

    evaluator = commands.add_parser("evaluator", help="the MNIST evaluator")
    actions = evaluator.add_subparsers(dest="action", required=True)
    retrain = actions.add_parser("train", help="retrain the shipped evaluator reproducibly")
    retrain.add_argument("--epochs", type=int, default=6)
    retrain.add_argument("--seed", type=int, default=0)
    retrain.add_argument("--out", help="weights file (default: the package's shipped weights)")
    retrain.set_defaults(run=_train_evaluator)

    args = parser.parse_args(argv)
    for name in ("epochs", "n_samples", "batch_size"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be a positive integer, got {value}.")
    return args.run(args)
