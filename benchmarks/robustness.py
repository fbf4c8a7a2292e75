"""The noise-robustness study: both kinds of noise, plain and noise-aware training, every seed.

    python benchmarks/robustness.py                    # the setting's study
    python benchmarks/robustness.py --shard 2/4        # every 4th point, from the 2nd
    python benchmarks/robustness.py --kinds gaussian --seeds 0
    python benchmarks/robustness.py --table            # print the saved results only
    python benchmarks/robustness.py --report           # and write them beside the records

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

A run ends by writing the report beside the records: ``report.txt`` (what ``--table`` prints:
status, table, thresholds, the original claims) and the figures ``curves.png``,
``contamination.png`` and ``samples.png``; ``--report`` rewrites them without training.

Letters come from tensorflow-datasets (EMNIST Letters) or ``GANKIT_EMNIST_DIR``; results computed
on the offline stand-in letters say so in every record (``settings["letters"]``), table and
figure.
"""

import argparse
import dataclasses
from pathlib import Path

from gankit import config, results
from gankit.studies import robustness, robustness_findings, robustness_report

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
    parser.add_argument("--report", action="store_true",
                        help="only write the report and figures of the saved results")
    args = parser.parse_args(argv)

    settings = config.settings()
    options = (False,) if args.plain_only else (False, True)
    out = Path(args.out) if args.out else (
        results.FOLDER / "robustness" if settings.name == "full"
        else ROOT / "runs" / f"robustness_{settings.name}")
    if not (args.table or args.report):
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
    text = report(records, robustness.sizes())
    print(text)
    if records and not args.table:
        write_report(records, out, text)
        print(f"Report and figures written beside the records in {out}")
    return 0


def report(records, sizes):
    """The study's results in words: the table, the thresholds with their spread, the claims."""
    parts = []
    if any(r["settings"].get("letters") == "stand-in" for r in records):
        parts.append("Letters: the synthetic letters stand-in, not EMNIST: the letters rows are "
                     "stand-in results, not EMNIST results.")
    parts += [robustness_findings.format_status(robustness_findings.study_status(
                  records, sizes.fractions, sizes.spread_seeds)),
              robustness_report.format_table(robustness_report.table(records)),
              robustness_findings.threshold_summary(records, sizes.fractions, sizes.spread_seeds),
              robustness_findings.format_claims(
                  robustness_findings.check_claims(records, sizes.fractions))]
    return "\n\n".join(parts)


def write_report(records, out, text):
    """Beside the records: ``report.txt`` (``text``), and the curves, contamination and
    sample figures of notebook 05 (``curves.png``, ``contamination.png``, ``samples.png``)."""
    import matplotlib.pyplot as plt
    (out / "report.txt").write_text(text + "\n")
    plt.close(robustness_report.plot_curves(records, path=out / "curves.png"))
    plt.close(robustness_report.plot_contamination(records, path=out / "contamination.png"))
    fractions = sorted({r["fraction"] for r in records})
    shown = [f for f in (0.0, 0.3, fractions[-1]) if f in fractions]
    figure = robustness_report.plot_samples(records, out, shown, path=out / "samples.png")
    if figure is not None:
        plt.close(figure)


if __name__ == "__main__":
    raise SystemExit(main())
