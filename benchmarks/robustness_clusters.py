"""Do the DCGAN recipe's k-means clusters stay in the robustness study? Points with and without.

    GANKIT_SETTING=full python benchmarks/robustness_clusters.py    # letters 30% and clean
    python benchmarks/robustness_clusters.py --table                # the saved rows only

The recipe trains its DCGAN as a conditional pair on 100 k-means clusters of its training
images (``gankit.clusters``), and ``generate`` draws each sample's cluster with the clusters'
frequencies. On corrupted data k-means may give the corrupted images clusters of their own,
which the generator then reproduces at their frequency. This measures, for each point
(``--kind``, ``--fractions``; full sizes, ``gankit.settings("full").robustness_dcgan``):

* the clusters of its training set: how many are mostly corrupted images, what share of the
  corrupted images they hold, and the clusters' purity against the corruption mask;
* the point trained with the recipe's clusters (the study's own record, in
  ``gankit/results/robustness_dcgan/``, trained once for both) and without them
  (``recipe={"clusters": None}``, records in ``runs/robustness_dcgan_noclusters/``):
  scores and contamination.

Rows go into ``gankit/results/robustness_dcgan_clusters.json``, keyed by kind, share and
clusters; a rerun skips finished records.
"""

import argparse
from pathlib import Path

import numpy as np

from gankit import config, results
from gankit.clusters import Clusters
from gankit.studies import robustness
import bookkeeping
from robustness import study_folder

ROOT = Path(__file__).resolve().parents[1]
PATH = results.FOLDER / "robustness_dcgan_clusters.json"
STUDY = robustness.STUDIES["dcgan"]
K = 100  # the recipe's clusters: gankit.recipes.RECIPES["dcgan"]["clusters"]


def cluster_shares(images, mask, seed=0, k=K):
    """How k-means (the recipe's ``Clusters``) splits a training set with corruption ``mask``:
    the clusters whose images are mostly corrupted, the share of corrupted images in them, and
    the purity of the clusters against the mask (1.0: no cluster mixes the two)."""
    clusters = Clusters(k, seed=seed).fit(images)
    index = clusters.assign(images)
    used = [c for c in range(k) if (index == c).any()]
    corrupted = {c: float(mask[index == c].mean()) for c in used}
    majority = [c for c in used if corrupted[c] > 0.5]
    held = float((mask & np.isin(index, majority)).sum() / mask.sum()) if mask.any() else 0.0
    return {"k": k, "clusters_mostly_corrupted": len(majority),
            "corrupted_share_in_them": round(held, 4), "train_share": round(float(mask.mean()), 4),
            "purity_against_mask": round(clusters.purity(images, mask.astype(int)), 4),
            "largest_corrupted_share_of_a_cluster": round(max(corrupted.values()), 4)}


def row(record, clusters, analysis):
    keep = ("classifier_score", "frechet_distance", "recognisable_fraction")
    return {"kind": record["kind"], "fraction": record["fraction"], "seed": record["seed"],
            "clusters": clusters, **{k: record["scores"][k] for k in keep},
            "contamination": record["contamination"]["share"],
            "train_share": record["train_share"], "train_seconds": record["train_seconds"],
            "record": record["samples_file"].removesuffix(".npz"), "training_set": analysis,
            "backend": record["backend"], "processor": bookkeeping.processor()}


def key(r):
    return (r["kind"], r["fraction"], r["seed"], r["clusters"] is None)


def format_table(rows):
    lines = ["| point | clusters | score | Fréchet | recognisable | contamination (trained on) "
             "| clusters mostly corrupted |", "|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=key):
        t = r["training_set"]
        lines.append(f"| {r['kind']} {r['fraction']:.0%} seed {r['seed']} | "
                     f"{r['clusters'] or 'none'} | {r['classifier_score']:.2f} | "
                     f"{r['frechet_distance']:.1f} | {r['recognisable_fraction']:.3f} | "
                     f"{r['contamination']:.3f} ({r['train_share']:.3f}) | "
                     f"{t['clusters_mostly_corrupted']} of {t['k']}, "
                     f"{t['corrupted_share_in_them']:.0%} of the corrupted |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="letters", choices=["gaussian", "letters"])
    parser.add_argument("--fractions", nargs="+", type=float, default=[0.3, 0.0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(PATH))
    parser.add_argument("--table", action="store_true", help="only print the saved rows")
    args = parser.parse_args(argv)
    if not args.table:
        sizes = getattr(config.settings(), STUDY)
        print(config.describe())
        setting = config.setting_name()
        # With the clusters: the study's own folders (benchmarks/robustness.py --generator dcgan).
        folders = {K: (study_folder("dcgan", setting), f"{STUDY}_{setting}_work"),
                   None: (ROOT / "runs" / f"{STUDY}_noclusters_{setting}",
                          f"{STUDY}_noclusters_{setting}_work")}
        for fraction in args.fractions:
            images, mask = robustness.training_set(args.kind, fraction, args.seed)
            analysis = cluster_shares(images, mask, seed=args.seed)
            for clusters, (folder, work) in folders.items():
                record, = robustness.sweep(
                    args.kind, (fraction,), model=sizes.model, epochs=sizes.epochs,
                    seeds=(args.seed,), batch_size=sizes.batch_size, out_dir=folder,
                    work_dir=ROOT / "runs" / work, recipe=None if clusters else {"clusters": None})
                bookkeeping.save_row(args.out, row(record, clusters, analysis), key, sort=True)
    print(format_table(bookkeeping.read_rows(args.out)))


if __name__ == "__main__":
    main()
