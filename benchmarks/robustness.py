"""The noise-robustness study at full size: both kinds of noise, plain and noise-aware training.

    python benchmarks/robustness.py                  # full setting (a GPU: about 28 GANs)
    python benchmarks/robustness.py --kinds gaussian --seeds 0 1 2
    python benchmarks/robustness.py --quick          # a few steps, for a smoke test
    python benchmarks/robustness.py --table          # print the saved results only

For each kind (``gaussian``, ``letters``) and each training option (plain, noise-aware) it runs
``gankit.studies.robustness.sweep`` over ``sizes().fractions``. Every finished point is a JSON
record (and 100 samples) in ``gankit/results/robustness/`` (``benchmarks/results`` links there;
quick and laptop runs: under
``runs/robustness_<setting>/``); run the same command again after an interruption and it continues
where it stopped. At the end it prints the table of scores and the thresholds.

EMNIST Letters come from tensorflow-datasets (or ``GANKIT_EMNIST_DIR``); results computed on
the offline stand-in letters are marked as such in every record (``settings["letters"]``).
"""

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="quick setting (GANKIT_QUICK=1)")
    parser.add_argument("--kinds", nargs="+", default=["gaussian", "letters"])
    parser.add_argument("--seeds", nargs="+", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--model", default=None, choices=["dcgan", "vanilla"],
                        help="default: the setting's (gankit.studies.robustness.sizes())")
    parser.add_argument("--plain-only", action="store_true", help="skip noise-aware training")
    parser.add_argument("--out", default=None, help="results folder")
    parser.add_argument("--table", action="store_true", help="only print saved results")
    args = parser.parse_args(argv)
    if args.quick:
        os.environ["GANKIT_QUICK"] = "1"
    from gankit import config, results
    from gankit.studies import robustness, robustness_report

    settings, study = config.settings(), robustness.sizes()
    out = Path(args.out) if args.out else (
        ROOT / "runs" / f"robustness_{settings.name}" if settings.name != "full"
        else results.FOLDER / "robustness")
    if not args.table:
        print(f"Robustness sweep ({settings.name} setting): fractions {study.fractions}, "
              f"writing to {out}")
        for kind in args.kinds:
            for noise_aware in (False,) if args.plain_only else (False, True):
                robustness.sweep(kind, study.fractions, model=args.model or study.model,
                                 epochs=args.epochs, seeds=args.seeds, out_dir=out,
                                 noise_aware=noise_aware, verbose=2)
    records = robustness.load_results(out)
    if any(r["settings"].get("letters") == "stand-in" for r in records):
        print("Letters: synthetic stand-in, not EMNIST: the emnist rows are not EMNIST results.")
    print(robustness_report.format_table(robustness_report.table(records)))
    for metric in ("frechet_distance", "recognisable_fraction"):
        print(robustness_report.format_thresholds(robustness_report.threshold(records, metric)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
