"""The command line, for headless and GPU runs.

    python -m gankit train {vanilla,dcgan_plain,dcgan,ccgan} [--setting quick|laptop|full]
                           [--epochs N] [--out DIR]
    python -m gankit sample {vanilla,dcgan,ccgan} --n N --out FILE.npz [--run DIR] [--seed S]
                            [--grid FILE.png]

``train`` writes into ``--out`` (default ``runs/<model>-<setting>``) ``samples.png``,
``losses.png``, ``gan.weights.h5``, ``generator.weights.h5``, ``samples.npz`` (``images`` uint8
(N, 28, 28)), ``log.csv`` and ``checkpoint/``: the same command again resumes it. ``sample``
writes ``images`` uint8 (N, 28, 28) and, for the CCGAN, ``labels`` uint8 (N,) (digit ``i % 10``
for sample ``i``) from the pretrained generator or, with ``--run``, a run folder of ``train``.
Introduced in notebook 02.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np

from gankit import checkpoint, config, data, plotting, pretrained, recipes, training


def _train(args):
    name = "quick" if args.quick else args.setting
    settings = config.settings(name)
    print(config.describe() if name is None else
          f"setting: {settings.name} (asked on the command line)")
    epochs = args.epochs if args.epochs is not None else settings.epochs[args.model]
    n_samples = args.n_samples if args.n_samples is not None else settings.n_samples
    out = args.out or os.path.join(config.runs_dir(), f"{args.model}-{settings.name}")
    checkpoint.check_run_folder(out, force=args.force)  # before any data is loaded
    keras.utils.set_random_seed(args.seed)
    images, labels = data.load_mnist("train")
    if settings.n_train < len(images):
        images, labels = data.subset(images, labels, n=settings.n_train, seed=args.seed)
    gan = recipes.make_gan(args.model, seed=args.seed)
    print(f"Training {gan.name} for {epochs} epochs on {len(images):,} images "
          f"({settings.name} setting, backend {keras.backend.backend()}); writing to {out}")
    start = time.perf_counter()
    training.train(gan, data.to_model_range(images), labels if gan.conditional else None,
                  epochs=epochs, batch_size=args.batch_size or settings.batch_size[args.model],
                  out_dir=out, sample_every=max(1, epochs), show=False,
                  run={"setting": settings.name, "recipe": args.model, "seed": args.seed},
                  resume="force" if args.resume_anyway else True)
    print(f"Trained in {time.perf_counter() - start:.1f} s.")
    gan.save_weights(os.path.join(out, "gan.weights.h5"))
    gan.generator.save_weights(os.path.join(out, "generator.weights.h5"))
    training.save_samples(gan, os.path.join(out, "samples.npz"), n=n_samples, seed=args.seed)
    print(f"Wrote samples.png, losses.png, gan.weights.h5, generator.weights.h5 and "
          f"samples.npz ({n_samples:,} samples) to {out}")
    return 0


def _generator_of_run(model, run_dir):
    """The GAN of ``model`` trained in the run folder ``run_dir``, and where it came from."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise checkpoint.CheckpointError(
            f"--run {run_dir}: no such folder. Give the --out folder of a finished or running "
            f"`python -m gankit train {model}`.")
    # gan.weights.h5, not generator.weights.h5: a GAN with clusters needs them to sample
    gan, final = recipes.make_gan(model), run_dir / "gan.weights.h5"
    if final.is_file():
        try:
            gan.load_weights(final)
        except ValueError as error:
            raise checkpoint.CheckpointError(
                f"{final} does not fit the {model} GAN of the current recipe ({error}); "
                f"was the run trained as another model?") from None
        return gan, f"the final weights of {run_dir}"
    saved = checkpoint.load(run_dir / "checkpoint") if (run_dir / "checkpoint").is_dir() else None
    if saved is None:
        raise checkpoint.CheckpointError(
            f"--run {run_dir} holds no trained generator (no generator.weights.h5, no "
            f"checkpoint/): train one with `python -m gankit train {model} --out {run_dir}`.")
    recipe = saved.run.get("recipe")
    if recipe not in (None, model):
        raise checkpoint.CheckpointError(
            f"--run {run_dir} trained a {recipe} GAN, not a {model} one: "
            f"`python -m gankit sample {recipe} --run {run_dir}`.")
    checkpoint.load_into(gan, saved)
    return gan, f"the checkpoint of {run_dir} after epoch {saved.epoch} (the run is unfinished)"


def _sample(args):
    out = Path(args.out)
    if out.suffix != ".npz":
        raise checkpoint.CheckpointError(
            f"--out {out}: the samples are written as NumPy's .npz; give a name ending in .npz, "
            f"e.g. {out.with_suffix('.npz')}.")
    if out.is_dir():
        raise checkpoint.CheckpointError(f"--out {out} is a folder; give a file name ending in .npz.")
    if args.grid and Path(args.grid).suffix.lower() != ".png":
        raise checkpoint.CheckpointError(f"--grid {args.grid}: the grid is a PNG image; give a "
                                         f"name ending in .png.")
    if args.run:
        gan, source = _generator_of_run(args.model, args.run)
    else:
        gan, source = pretrained.load_generator(args.model), f"the pretrained {args.model} generator"
    out.parent.mkdir(parents=True, exist_ok=True)
    training.save_samples(gan, out, n=args.n, seed=args.seed)
    if args.grid:
        with np.load(out) as stored:
            plt.close(plotting.plot_grid(stored["images"][:100], ncols=10, path=args.grid,
                                         title=f"{args.model}{'' if args.run else ' (pretrained)'}: "
                                               f"the first 100 samples"))
    print(f"Wrote {args.n:,} samples from {source} to {out} (images uint8 (N, 28, 28)"
          f"{', labels uint8 (N,)' if gan.conditional else ''}).")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gankit", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a GAN and write its samples")
    train.add_argument("model", choices=list(recipes.RECIPES))
    train.add_argument("--epochs", type=int, help="default: the setting's epochs for the model")
    train.add_argument("--setting", choices=config.SETTINGS,
                       help="default: GANKIT_SETTING, else full with a GPU and laptop without")
    train.add_argument("--quick", action="store_true", help="same as --setting quick")
    train.add_argument("--out", help="output folder (default runs/<model>)")
    train.add_argument("--n-samples", type=int, help="samples to save (default: the setting's)")
    train.add_argument("--batch-size", type=int, help="default: the setting's batch size")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--force", action="store_true",
                       help="use --out even if it is a non-empty folder that holds no run of the kit")
    train.add_argument("--resume-anyway", action="store_true",
                       help="resume a checkpoint made by a different run (other setting, rates...)")
    train.set_defaults(handler=_train)

    sample = commands.add_parser("sample", help="write samples of a pretrained or trained GAN")
    sample.add_argument("model", choices=list(pretrained.MODELS))
    sample.add_argument("--n", type=int, required=True, help="number of samples")
    sample.add_argument("--out", required=True, help="the .npz file to write")
    sample.add_argument("--run", help="a run folder of `train` (default: the pretrained generator)")
    sample.add_argument("--seed", type=int, default=0, help="seed of the latent vectors")
    sample.add_argument("--grid", help="also draw the first 100 samples into this .png file")
    sample.set_defaults(handler=_sample)

    args = parser.parse_args(argv)
    if getattr(args, "quick", False) and args.setting not in (None, "quick"):
        parser.error(f"--quick and --setting {args.setting} disagree; give one of them.")
    for name in ("epochs", "n_samples", "batch_size", "n"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be a positive integer, got {value}.")
    try:
        return args.handler(args)
    except (checkpoint.CheckpointError, FileNotFoundError) as error:
        print(f"python -m gankit: {error}", file=sys.stderr)
        return 2
