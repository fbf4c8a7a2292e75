"""What the robustness study costs on this machine: seconds per training step, and the whole study.

    KERAS_BACKEND=jax GANKIT_SETTING=full python benchmarks/robustness_cost.py
    GANKIT_SETTING=full python benchmarks/robustness_cost.py --generator dcgan
    python benchmarks/robustness_cost.py --table        # the saved measurement only

A point's training cost depends on two things only: its number of steps (epochs x the batches
of its training set, which cleaning shrinks) and whether the AmbientGAN layer corrupts the
generated images (Gaussian noise-aware points). So this times training steps of the study's
GAN (``gankit.settings("full").robustness``, or ``.robustness_dcgan``: model, batch size) on
MNIST digits, plain and with the layer, after a warm-up epoch that compiles the step, and
prices every point of the study's shipped records (``gankit/results/robustness[_dcgan]/``, grid
and spread points) at its own steps; a study without records yet is priced on the original
study's points at its own epochs and batch size. Clean points that share one training run
(``record["clean_run"]``) are priced once. The records' own ``train_seconds`` are printed
beside it: they include whatever else shared the CPU while they trained. Writes
``gankit/results/robustness[_dcgan]_cost.json`` with the load average.
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


def point_steps(record, sizes=None):
    """Training steps of a point: epochs x batches of its (cleaned) training set, at the
    record's own epochs and batch size, or at ``sizes``' (a ``RobustnessSizes``)."""
    settings = record["settings"]
    epochs, batch_size = ((sizes.epochs, sizes.batch_size) if sizes else
                          (settings["epochs"], settings["batch_size"]))
    n = record.get("cleaning", {}).get("n_kept", record["n_images"])
    return epochs * math.ceil(n / batch_size)


def price(records, per_step, sizes=None):
    """Seconds each point costs at ``per_step`` = {"plain": s, "ambient": s}.

    Finished records are priced at their own epochs and batch size, and the clean points that
    name one shared training run (``record["clean_run"]``) at the first of them. With ``sizes``
    (a ``RobustnessSizes``) the records are a plan for that study: priced at its epochs and
    batch size, each seed's clean points without cleaning sharing one run, as
    ``robustness.sweep`` trains them.
    """
    rows, priced_runs = [], set()
    for r in records:
        steps = point_steps(r, sizes)
        run = (r["seed"] if sizes and r["fraction"] == 0 and "cleaning" not in r
               else r.get("clean_run"))
        ambient_point = r["noise_aware"] and r["kind"] == "gaussian" and run is None
        if run is not None:
            steps = 0 if run in priced_runs else steps
            priced_runs.add(run)
        seconds = steps * per_step["ambient" if ambient_point else "plain"]
        rows.append({"point": robustness.describe_point(r), "steps": steps,
                     "priced_seconds": round(seconds, 1), "recorded_seconds": r["train_seconds"]})
    return rows


def summary(measurement):
    rows = measurement["points"]
    priced = sum(r["priced_seconds"] for r in rows) / 3600
    recorded = sum(r["recorded_seconds"] for r in rows) / 3600
    step = measurement["seconds_per_step"]
    study = measurement.get("study", "robustness")
    planned = measurement.get("points_from", study) != study
    return (f"{measurement['model']} GAN, {measurement['backend']}, batch "
            f"{measurement['batch_size']}: "
            f"{1000 * step['plain']:.1f} ms per plain step, {1000 * step['ambient']:.1f} ms with "
            f"the AmbientGAN layer (load average {measurement['load_average']}).\n"
            + (f"{len(rows)} points of the {measurement['points_from']} study's, at "
               f"{measurement['epochs']} epochs: {priced:.2f} h at these speeds (a plan)."
               if planned else
               f"{len(rows)} points: {priced:.2f} h at these speeds; their records say "
               f"{recorded:.2f} h, measured while they trained."))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generator", default="vanilla", choices=sorted(robustness.STUDIES))
    parser.add_argument("--out", default=None,
                        help="default gankit/results/<study>_cost.json")
    parser.add_argument("--table", action="store_true", help="only print the saved measurement")
    args = parser.parse_args(argv)
    name = robustness.STUDIES[args.generator]
    out = args.out or str(results.FOLDER / f"{name}_cost.json")
    if args.table:
        print(summary(json.loads(open(out).read())))
        return
    study = getattr(config.settings("full"), name)
    folder = results.FOLDER / name
    points_from = name if folder.is_dir() and robustness.load_results(folder) else "robustness"
    records = robustness.load_results(results.path(points_from))
    load_before = os.getloadavg()[0]
    corruption = ambient.GaussianCorruption(0.3, seed=0)
    per_step = {"plain": time_steps(None, study), "ambient": time_steps(corruption, study)}
    measurement = {"backend": keras.backend.backend(), "keras": keras.__version__,
                   "machine": platform.machine(), "processor": bookkeeping.processor(),
                   "cpu_count": os.cpu_count(), "study": name, "points_from": points_from,
                   "model": study.model, "epochs": study.epochs, "batch_size": study.batch_size,
                   "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                   "seconds_per_step": per_step,
                   "points": price(records, per_step,
                                   None if points_from == name else study)}
    bookkeeping.write_json(out, measurement)
    print(config.describe())
    print(summary(measurement))


if __name__ == "__main__":
    main()
