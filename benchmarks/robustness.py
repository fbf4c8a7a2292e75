"""The noise-robustness study: both kinds of noise, plain and noise-aware training, every seed.

    python benchmarks/robustness.py                    # the setting's study
    python benchmarks/robustness.py --generator dcgan  # the same grid on the DCGAN recipe
    python benchmarks/robustness.py --shard 2/4        # every 4th point, from the 2nd
    python benchmarks/robustness.py --kinds gaussian --seeds 0
    python benchmarks/robustness.py --table            # print the saved results only
    python benchmarks/robustness.py --report           # and write them beside the records

It enumerates the study's points (``study_points``: kind x training option x fraction for the
setting's seeds) and runs them with ``run_study``: then, for every
curve whose first seed is complete, the points that give its thresholds a spread over the
setting's ``spread_seeds`` (``spread_points``: fraction 0 and the fractions on either side of
the threshold, planned again after each point until none is missing). Every finished
point is a JSON record (and 100 samples) in the results folder: ``gankit/results/robustness/``
(``robustness_dcgan/`` for ``--generator dcgan``) for the full setting (``benchmarks/results``
links there), ``runs/robustness[_dcgan]_<setting>/`` otherwise. Run the same command again
after an interruption and it continues where it stopped: finished points are skipped, an
interrupted one resumes from its checkpoint.

``--shard I/N`` runs every N-th point starting from the I-th (``shard``), so that N
machines, Colab sessions or the tasks of a job array share one study: give each its own I, and
copy (or write) their records into one folder; a point finished by any shard is skipped by the
others, and ``--table`` reads the merged folder. The spread points are planned from the records
in the folder, so run the shards once more after merging to add those.

A run ends by writing the report beside the records: ``report.txt`` (what ``--table`` prints:
status, table, thresholds, the original claims) and the figures ``curves.png``,
``contamination.png`` and ``samples.png``; ``--report`` rewrites them without training. The
DCGAN's study also sets itself beside the vanilla one of the same setting: ``comparison.txt``
(``robustness_findings.compare_generators`` and ``compare_claims``) and ``generators.png``.

Letters come from tensorflow-datasets (EMNIST Letters) or ``GANKIT_EMNIST_DIR``; results computed
on the offline stand-in letters say so in every record (``settings["letters"]``), table and
figure.
"""

import argparse
import dataclasses
import time
from pathlib import Path

from gankit import config, results
from gankit.checks import check_count
from gankit.files import write_atomic
from gankit.studies import noise, robustness
from gankit.studies import robustness_findings as findings

ROOT = Path(__file__).resolve().parents[1]


def study_points(kinds=("gaussian", "letters"), noise_aware=(False, True), fractions=None,
                 seeds=None):
    """Every point of a study, in one fixed order: ``(kind, noise_aware, fraction, seed)`` tuples.

    Defaults: both kinds, plain and noise-aware, the setting's fractions and seeds
    (``gankit.settings().robustness``). Seeds come first (all of seed 0 before seed 1), so a
    study cut short still has one complete seed.
    """
    study_sizes = config.settings().robustness
    return [(noise.check_kind(kind), bool(aware), float(fraction), int(seed))
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


def spread_points(records, fractions, seeds, metrics=findings.THRESHOLD_METRICS,
                  tolerance=findings.TOLERANCE):
    """The points that give each threshold its spread over ``seeds``, not yet in ``records``.

    A curve (kind, training option) is planned once its first seed (the smallest in
    ``records``) has every fraction in ``fractions``. For each of ``metrics``, each extra seed
    then needs fraction 0 (its own clean run) and the two fractions on either side of the first
    seed's threshold (the last one that passes and the first one that fails, from the grid
    ``fractions``); once it has those, also the two on either side of its own threshold among
    the fractions it has, so a seed whose threshold lies elsewhere gets the points that locate
    it. Run the returned points and call again until it returns ``[]`` (``run_study`` does).

    Args:
        records: finished records (``robustness.load_results``), one setting.
        fractions: the study's grid of corrupted shares (``RobustnessSizes.fractions``).
        seeds: the extra seeds (``.spread_seeds``).
        metrics: the scores whose thresholds get a spread.

    Returns:
        sorted list of ``(kind, noise_aware, fraction, seed)`` points, as in ``robustness.study_points``.
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
            planned = {0.0} | bracket(findings.seed_threshold({f: first[f][metric] for f in grid},
                                                     metric, tolerance))
            for seed in seeds:
                if seed == min(by_seed):
                    continue
                tested = {f: v[metric] for f, v in by_seed.get(seed, {}).items() if f in grid}
                need = planned | (bracket(findings.seed_threshold(tested, metric, tolerance))
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
        study_sizes: a ``gankit.config.RobustnessSizes`` (default the setting's): fractions,
            seeds, spread seeds, epochs, model and batch size.
        shard_of: ``(I, N)``: only every N-th point from the I-th (``shard``).
        work_dir: where each point trains (``robustness.sweep``).
        **sweep_options: ``robustness.sweep``'s other arguments (``n_train``, ``n_samples``, ``n_test``
            default to the current setting's; ``model``, ``epochs`` override the sizes').

    Returns:
        the records in ``out_dir`` (``robustness.load_results``).
    """
    study_sizes = study_sizes or config.settings().robustness
    options = {"model": study_sizes.model, "epochs": study_sizes.epochs,
               "batch_size": study_sizes.batch_size, "out_dir": out_dir, "work_dir": work_dir,
               "verbose": verbose, **sweep_options}
    points = study_points(kinds, noise_aware, study_sizes.fractions, study_sizes.seeds)
    curves = {point[:2] for point in points}

    def run(point):
        kind, aware, fraction, seed = point
        start = time.perf_counter()
        robustness.sweep(kind, (fraction,), seeds=(seed,), noise_aware=aware, **options)
        if verbose:
            where = robustness.describe_point({"kind": kind, "fraction": fraction, "seed": seed,
                                    "noise_aware": aware})
            print(f"{where}: done in {time.perf_counter() - start:.0f} s", flush=True)

    for point in shard(points, *shard_of):
        run(point)
    tried = set()
    while study_sizes.spread_seeds:
        plan = [p for p in spread_points(robustness.load_results(out_dir), study_sizes.fractions,
                                         study_sizes.spread_seeds) if p[:2] in curves]
        todo = [p for p in shard(plan, *shard_of) if p not in tried]
        if not todo:
            break
        if verbose:
            print(f"Spread over seeds {study_sizes.spread_seeds}: {len(todo)} more point(s)")
        run(todo[0])  # then plan again from the new record
        tried.add(todo[0])
    return robustness.load_results(out_dir)


def parse_shard(text):
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shard takes I/N, e.g. 1/4; got {text!r}") from None
    return index, count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", default=["gaussian", "letters"])
    parser.add_argument("--seeds", nargs="+", type=int, default=None)
    parser.add_argument("--fractions", nargs="+", type=float, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--generator", default="vanilla", choices=sorted(robustness.STUDIES),
                        help="whose study: vanilla (gankit.settings().robustness, the original) "
                             "or dcgan (.robustness_dcgan)")
    parser.add_argument("--plain-only", action="store_true", help="skip noise-aware training")
    parser.add_argument("--shard", type=parse_shard, default=(1, 1), metavar="I/N")
    parser.add_argument("--out", default=None, help="results folder")
    parser.add_argument("--table", action="store_true", help="only print saved results")
    parser.add_argument("--report", action="store_true",
                        help="only write the report and figures of the saved results")
    args = parser.parse_args(argv)

    settings = config.settings()
    name = robustness.STUDIES[args.generator]
    sizes = getattr(settings, name)
    options = (False,) if args.plain_only else (False, True)
    out = Path(args.out) if args.out else study_folder(args.generator, settings.name)
    if not (args.table or args.report):
        points = shard(study_points(args.kinds, options, args.fractions or sizes.fractions,
                                    args.seeds or sizes.seeds), *args.shard)
        print(f"{config.describe()}\nRobustness study: shard {args.shard[0]}/{args.shard[1]}, "
              f"{len(points)} grid points, then the spread seeds' points; writing to {out}")
        overrides = {"epochs": args.epochs} if args.epochs is not None else {}
        run_sizes = sizes
        if args.fractions or args.seeds:  # a part of the grid: sizes changed for this run
            run_sizes = dataclasses.replace(
                sizes, fractions=tuple(args.fractions or sizes.fractions),
                seeds=tuple(args.seeds or sizes.seeds),
                spread_seeds=() if args.seeds else sizes.spread_seeds)
        run_study(out, run_sizes, kinds=args.kinds, noise_aware=options, shard_of=args.shard,
                  work_dir=ROOT / "runs" / f"{name}_{settings.name}_work", **overrides)
    records = robustness.load_results(out)
    text = report(records, sizes)
    print(text)
    if records and not args.table:
        write_report(records, out, text)
        print(f"Report and figures written beside the records in {out}")
    first = study_folder("vanilla", settings.name)
    if args.generator != "vanilla" and records and first.is_dir():
        studies = {"vanilla": robustness.load_results(first), args.generator: records}
        text = comparison(studies, sizes)
        print(text)
        if not args.table:
            write_comparison(studies, out, text)
    return 0


def study_folder(generator, setting):
    """The records' folder of a generator's study: shipped in ``gankit/results`` for the full
    setting, in ``runs/`` for the others."""
    name = robustness.STUDIES[generator]
    return results.FOLDER / name if setting == "full" else ROOT / "runs" / f"{name}_{setting}"


def comparison(studies, sizes):
    """The studies of ``studies`` (``{generator: records}``, the same grid) side by side: the
    thresholds, contamination and clean scores per curve, then the original judgements."""
    generators = " and ".join(studies)
    return "\n\n".join([
        f"The {generators} GANs side by side (finished curves only; thresholds: mean over the "
        f"seeds, their range in brackets):",
        findings.format_table(findings.compare_generators(studies, sizes.fractions)),
        "The original study's judgements, by generator:",
        findings.format_table(findings.compare_claims(studies, sizes.fractions))])


def write_comparison(studies, out, text):
    """Beside the last study's records: ``comparison.txt`` (``text``) and ``generators.png``."""
    import matplotlib.pyplot as plt
    write_atomic(out / "comparison.txt", text + "\n")
    plt.close(findings.plot_generators(studies, path=out / "generators.png"))


def report(records, sizes):
    """The study's results in words: the table, the thresholds with their spread, the claims."""
    parts = []
    if any(r["settings"].get("letters") == "stand-in" for r in records):
        parts.append("Letters: the synthetic letters stand-in, not EMNIST: the letters rows are "
                     "stand-in results, not EMNIST results.")
    pending = spread_points(records, sizes.fractions, sizes.spread_seeds)
    parts += [format_status(records, sizes, pending),
              findings.format_table(findings.table(records)),
              findings.threshold_summary(settled(records, pending), sizes.fractions),
              findings.format_claims(findings.check_claims(records, sizes.fractions)),
              format_cost(records)]
    return "\n\n".join(parts)


def format_cost(records):
    """What the study cost, summed over its records: trainings (a shared clean run once), hours
    of training (every session's) and wall-clock hours of the sessions that finished the points
    (training, data and scoring), and where they ran."""
    trainings = {r.get("clean_run") or robustness.describe_point(r): r for r in records}
    hours = lambda key, rows: sum(r[key] for r in rows) / 3600
    where = ", ".join(sorted({f"{r['backend']} on {r['machine']}" for r in records}))
    return (f"Cost: {len(trainings)} trainings for {len(records)} points (a seed's shared clean "
            f"run counted once): {hours('train_seconds', trainings.values()):.2f} h of training "
            f"(every session's), {hours('wall_seconds', records):.2f} h of wall-clock time in "
            f"the sessions that finished the points ({where}). A resumed point's earlier "
            f"sessions count in its training time only; a point that shared the CPU with other "
            f"work counts its own time.")


def format_status(records, sizes, pending):
    """``findings.format_status``, each curve's line followed by its ``pending`` spread points
    (``spread_points``), and a note where the spread seeds wait for the first seed."""
    status = findings.study_status(records, sizes.fractions)
    lines = findings.format_status(status).splitlines()
    for i, ((kind, aware), curve) in enumerate(status.items()):
        todo = {}
        for _, _, fraction, seed in (p for p in pending if p[:2] == (kind, aware)):
            todo.setdefault(seed, []).append(fraction)
        lines[i] += "".join(f"; seed {seed} still to run: {findings.shares(fractions)}"
                            for seed, fractions in sorted(todo.items()))
        if sizes.spread_seeds and curve["seed"] is not None and not curve["complete"]:
            lines[i] += "; other seeds follow once it is complete"
    return "\n".join(lines)


def settled(records, pending):
    """The records a threshold may be read from while a study runs: a spread seed's once
    none of its curve's points is ``pending`` (a seed in progress would move the spread)."""
    waiting = {(kind, aware, seed) for kind, aware, _, seed in pending}
    return [r for r in records if (r["kind"], r["noise_aware"], r["seed"]) not in waiting]


def write_report(records, out, text):
    """Beside the records: ``report.txt`` (``text``), and the curves, contamination and
    sample figures of notebook 05 (``curves.png``, ``contamination.png``, ``samples.png``)."""
    import matplotlib.pyplot as plt
    write_atomic(out / "report.txt", text + "\n")
    plt.close(findings.plot_curves(records, path=out / "curves.png"))
    plt.close(findings.plot_contamination(records, path=out / "contamination.png"))
    fractions = sorted({r["fraction"] for r in records})
    shown = [f for f in (0.0, 0.3, fractions[-1]) if f in fractions]
    figure = findings.plot_samples(records, out, shown, path=out / "samples.png")
    if figure is not None:
        plt.close(figure)


if __name__ == "__main__":
    raise SystemExit(main())
