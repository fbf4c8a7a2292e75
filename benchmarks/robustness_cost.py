"""What the robustness study costs on this machine: seconds per training step, and the whole study.

    KERAS_BACKEND=jax GANKIT_SETTING=full python benchmarks/robustness_cost.py
    python benchmarks/robustness_cost.py --table        # the saved measurement only

A point's training cost depends on two things only: its number of steps (epochs x the batches
of its training set, which cleaning shrinks) and whether the AmbientGAN layer corrupts the
generated images (Gaussian noise-aware points). So this times training steps of the study's
GAN (``gankit.settings("full").robustness``: model, batch size) on MNIST digits, plain and with the
layer, after a warm-up epoch that compiles the step, and prices every point that the shipped
records hold (``gankit/results/robustness/``, grid and spread points) at its own steps. The
records' own ``train_seconds`` are printed beside it: they include whatever else shared the CPU
while they trained. Writes ``gankit/results/robustness_cost.json`` with the load average.
"""

import argparse
import json
import math
import os
import platform

import keras

from gankit import callbacks, config, data, recipes, results
from gankit.studies import ambient, robustness
import bookkeeping

PATH = results.FOLDER / "robustness_cost.json"
STEPS = 300  # timed steps per epoch: enough for a stable mean, about 10 s each


def time_steps(corruption, study, steps=STEPS, seed=0):
    """Seconds per training step of the study's GAN, timed over the second of two epochs."""
    images = data.subset(data.load_mnist("train", verbose=False)[0],
                         n=steps * study.batch_size, seed=seed)
    keras.utils.set_random_seed(seed)
    gan = recipes.make_gan(study.model, seed=seed)
    gan.corruption = corruption
    history = gan.fit(data.to_model_range(images), batch_size=study.batch_size, epochs=2,
                      verbose=0, callbacks=[callbacks.EpochTimer(report=False)])
    return history.history["seconds"][-1] / steps


def point_steps(record):
    """Training steps of a finished point: epochs x batches of its (cleaned) training set."""
    settings = record["settings"]
    n = record.get("cleaning", {}).get("n_kept", record["n_images"])
    return settings["epochs"] * math.ceil(n / settings["batch_size"])


def price(records, per_step):
    """Seconds each point costs at ``per_step`` = {"plain": s, "ambient": s}."""
    rows = []
    for r in records:
        ambient_point = r["noise_aware"] and r["kind"] == "gaussian"
        seconds = point_steps(r) * per_step["ambient" if ambient_point else "plain"]
        rows.append({"point": robustness.describe_point(r), "steps": point_steps(r),
                     "priced_seconds": round(seconds, 1), "recorded_seconds": r["train_seconds"]})
    return rows


def summary(measurement):
    rows = measurement["points"]
    priced = sum(r["priced_seconds"] for r in rows) / 3600
    recorded = sum(r["recorded_seconds"] for r in rows) / 3600
    step = measurement["seconds_per_step"]
    return (f"{measurement['backend']}, batch {measurement['batch_size']}: "
            f"{1000 * step['plain']:.1f} ms per plain step, {1000 * step['ambient']:.1f} ms with "
            f"the AmbientGAN layer (load average {measurement['load_average']}).\n"
            f"{len(rows)} points: {priced:.2f} h at these speeds; their records say "
            f"{recorded:.2f} h, measured while they trained.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=None, help="records folder (default: shipped)")
    parser.add_argument("--out", default=str(PATH))
    parser.add_argument("--table", action="store_true", help="only print the saved measurement")
    args = parser.parse_args(argv)
    if args.table:
        print(summary(json.loads(open(args.out).read())))
        return
    study = config.settings("full").robustness
    records = robustness.load_results(args.results or results.path("robustness"))
    load_before = os.getloadavg()[0]
    corruption = ambient.GaussianCorruption(0.3, seed=0)
    per_step = {"plain": time_steps(None, study), "ambient": time_steps(corruption, study)}
    measurement = {"backend": keras.backend.backend(), "keras": keras.__version__,
                   "machine": platform.machine(), "cpu_count": os.cpu_count(),
                   "model": study.model, "batch_size": study.batch_size,
                   "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                   "seconds_per_step": per_step, "points": price(records, per_step)}
    bookkeeping.write_json(args.out, measurement)
    print(config.describe())
    print(summary(measurement))


if __name__ == "__main__":
    main()
