"""The noise-robustness study: both kinds of noise, plain and noise-aware training, every seed.

    python benchmarks/robustness.py                    # the setting's study
    python benchmarks/robustness.py --shard 2/4        # every 4th point, from the 2nd
    python benchmarks/robustness.py --kinds gaussian --seeds 0
    python benchmarks/robustness.py --table            # print the saved results only

It enumerates the study's points (``gankit.studies.robustness.study_points``: kind x training
option x fraction for the setting's seeds) and runs them with ``robustness.run_study``: then, for
every curve whose first seed is complete, the points that give its thresholds a spread over the
setting's ``spread_seeds`` (``robustness.spread_points``: fraction 0 and the fractions on
either side of the threshold, planned again after each point until none is missing). Every finished
point is a JSON record (and 100 samples) in the results folder: ``gankit/results/robustness/``
for the full setting (``benchmarks/results`` links there), ``runs/robustness_<setting>/``
otherwise. Run the same command again after an interruption and it continues where it stopped:
finished points are skipped, an interrupted one resumes from its checkpoint.

``--shard I/N`` runs every N-th point starting from the I-th (``robustness.shard``), so that N
machines, Colab sessions or the tasks of a job array share one study: give each its own I, and
copy (or write) their records into one folder; a point finished by any shard is skipped by the
others, and ``--table`` reads the merged folder. The spread points are planned from the records
in the folder, so run the shards once more after merging to add those.

Letters come from tensorflow-datasets (EMNIST Letters) or ``GANKIT_EMNIST_DIR``; results computed
on the offline stand-in letters say so in every record (``settings["letters"]``), table and
figure.
"""

import argparse
import dataclasses
from pathlib import Path

from gankit import config, results
from gankit.studies import robustness, robustness_report

ROOT = Path(__file__).resolve().parents[1]


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
    parser.add_argument("--model", default=None, choices=["dcgan", "vanilla"],
                        help="default: the setting's (gankit.studies.robustness.sizes())")
    parser.add_argument("--plain-only", action="store_true", help="skip noise-aware training")
    parser.add_argument("--shard", type=parse_shard, default=(1, 1), metavar="I/N")
    parser.add_argument("--out", default=None, help="results folder")
    parser.add_argument("--table", action="store_true", help="only print saved results")
    args = parser.parse_args(argv)

    settings = config.settings()
    options = (False,) if args.plain_only else (False, True)
    out = Path(args.out) if args.out else (
        results.FOLDER / "robustness" if settings.name == "full"
        else ROOT / "runs" / f"robustness_{settings.name}")
    if not args.table:
        points = robustness.shard(robustness.study_points(
            args.kinds, options, args.fractions, args.seeds), *args.shard)
        print(f"{config.describe()}\nRobustness study: shard {args.shard[0]}/{args.shard[1]}, "
              f"{len(points)} grid points, then the spread seeds' points; writing to {out}")
        overrides = {name: value for name, value in (("model", args.model), ("epochs", args.epochs))
                     if value is not None}
        sizes = robustness.sizes()
        if args.fractions or args.seeds:  # a part of the grid: sizes changed for this run
            sizes = dataclasses.replace(sizes, fractions=tuple(args.fractions or sizes.fractions),
                                        seeds=tuple(args.seeds or sizes.seeds),
                                        spread_seeds=() if args.seeds else sizes.spread_seeds)
        robustness.run_study(out, sizes, kinds=args.kinds, noise_aware=options,
                             shard_of=args.shard, work_dir=ROOT / "runs" / f"robustness_{settings.name}_work",
                             **overrides)
    records = robustness.load_results(out)
    if any(r["settings"].get("letters") == "stand-in" for r in records):
        print("Letters: the synthetic letters stand-in, not EMNIST: the letters rows are "
              "stand-in results, not EMNIST results.")
    print(robustness_report.format_table(robustness_report.table(records)))
    for metric in ("frechet_distance", "recognisable_fraction"):
        print(robustness_report.format_thresholds(robustness_report.threshold(records, metric)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
