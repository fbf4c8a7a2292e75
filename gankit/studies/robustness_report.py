"""Reading a robustness sweep: tables, curves against the corrupted fraction, the threshold.

    records = robustness.load_results()            # the records that gankit.studies.robustness wrote
    print(format_table(table(records)))
    plot_curves(records, path="05_noise_curves.png")
    print(format_thresholds(threshold(records)))

``plot_contamination`` and ``plot_samples`` draw the records; what the study answers (how far
it is, threshold summaries, the original claims) is ``gankit.studies.robustness_findings``.

Every function takes the list of records of ``gankit.studies.robustness.sweep`` (or ``load_results``).
Introduced in notebook 05.
"""

import pathlib

import numpy as np

from gankit import plotting
from gankit.studies import robustness

HIGHER_IS_BETTER, LOWER_IS_BETTER = robustness.HIGHER_IS_BETTER, robustness.LOWER_IS_BETTER
COLUMNS = ("classifier_score", "frechet_distance", "recognisable_fraction", "covered",
           "train_share", "contamination", "noise_level")
CURVES = ("frechet_distance", "classifier_score", "recognisable_fraction", "covered",
          "contamination", "noise_level")
TITLES = {"covered": "classes covered", "contamination": "contamination (corrected share)",
          "noise_level": "mean noise level / std"}


def label(record):
    """What a record's corruption was, in the words every table and figure uses:
    ``"gaussian"``, ``"EMNIST letters"``, or ``"letters stand-in"`` for the synthetic letters
    of the offline machines (never reported as EMNIST)."""
    if record["kind"] not in ("letters", "emnist"):
        return record["kind"]
    standin = record.get("settings", {}).get("letters") == "stand-in" or robustness.letters_are_standin(
        record.get("letters_source", ""))
    return "letters stand-in" if standin else "EMNIST letters"


def value(record, metric):
    """One number of a record: a score name, ``contamination`` (the corrected flagged share),
    ``noise_level`` (mean noise level over ``std``; NaN for letters), ``train_share``,
    ``train_seconds`` or ``wall_seconds``."""
    if metric == "contamination":
        return record["contamination"]["share"]
    if metric == "noise_level":
        return record["contamination"].get("mean_level", float("nan"))
    if metric in ("train_share", "wall_seconds", "train_seconds"):
        return record[metric]
    if metric not in record["scores"]:
        raise ValueError(f"Unknown metric {metric!r}; use one of {sorted(record['scores'])}, "
                         f"'contamination' or 'train_share'.")
    return record["scores"][metric]


def table(records, columns=COLUMNS):
    """Records as rows: ``list`` of dicts with kind, noise_aware, fraction, seed and ``columns``."""
    return [{"kind": label(r), "noise_aware": r["noise_aware"], "fraction": r["fraction"],
             "seed": r["seed"], **{c: value(r, c) for c in columns}} for r in records]


def format_table(rows):
    """Rows from ``table`` as a Markdown table (numbers to 3 significant digits)."""
    if not rows:
        return "(no results)"
    columns = list(rows[0])
    cell = lambda v: f"{v:.3g}" if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def _check_one_setting(records):
    seen = set()
    for r in records:
        point = (label(r), r["noise_aware"], r["fraction"], r["seed"])
        if point in seen:
            raise ValueError(f"Two records for {robustness.describe_point(r)}: the records come "
                             f"from sweeps with different settings. Keep one setting, e.g. "
                             f"[r for r in records if r['settings']['epochs'] == 30].")
        seen.add(point)


def curves(records, metric):
    """``{(kind, noise_aware): (fractions, mean, low, high)}``: ``metric`` against the fraction,
    mean and range over seeds (float arrays)."""
    _check_one_setting(records)
    points = {}
    for r in records:
        points.setdefault((label(r), r["noise_aware"]), {}).setdefault(
            r["fraction"], []).append(value(r, metric))
    result = {}
    for key, by_fraction in sorted(points.items()):
        fractions = np.array(sorted(by_fraction))
        values = [np.array(by_fraction[f], dtype=float) for f in fractions]
        result[key] = (fractions, np.array([v.mean() for v in values]),
                       np.array([v.min() for v in values]), np.array([v.max() for v in values]))
    return result


def plot_curves(records, metrics=CURVES, ncols=3, path=None):
    """One panel per metric against the corrupted share; a line per kind and training option
    (dashed: noise-aware), shaded over seeds. Returns a ``Figure``; ``path`` also saves it."""
    nrows = -(-len(metrics) // ncols)
    fig = plotting.new_figure(figsize=(3.8 * ncols, 3.0 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    colors = {"gaussian": "tab:blue", "EMNIST letters": "tab:orange",
              "letters stand-in": "tab:red"}
    for ax, metric in zip(axes, metrics):
        for (kind, aware), (x, mean, low, high) in curves(records, metric).items():
            label = f"{kind}, {'noise-aware' if aware else 'plain'}"
            if np.isfinite(mean).any():
                ax.plot(100 * x, mean, "o--" if aware else "o-", color=colors[kind], label=label)
                ax.fill_between(100 * x, low, high, color=colors[kind], alpha=0.15)
        if metric in ("contamination", "noise_level"):
            top = 100 * max(r["fraction"] for r in records)
            ax.plot([0, top], [0, top / 100], color="grey", lw=0.8, ls=":", label="as trained")
        ax.set_xlabel("corrupted share of training set (%)")
        ax.set_title(TITLES.get(metric, metric.replace("_", " ")), fontsize=10)
    axes[0].legend(fontsize=7)
    if path is not None:
        plotting.save_figure(fig, path)
    return fig


def threshold(records, metric="frechet_distance", tolerance=2.0):
    """The largest corrupted share at which quality still stays close to the clean run.

    Rule: for each kind, training option and seed, a fraction *passes* when its ``metric`` is
    within a factor ``tolerance`` of the same seed's fraction-0 run: ``value <= tolerance *
    clean`` for lower-is-better metrics (Fréchet distance, KL from uniform), ``value >= clean /
    tolerance`` for higher-is-better ones (classifier score, recognisable fraction, covered).
    The threshold is the largest tested fraction ``f`` such that every tested fraction ``<= f``
    passes (a monotonic reading: a pass beyond a failure does not count). A seed run at a few
    fractions only (``robustness.spread_points``) is read on the fractions it has.

    Returns:
        list of dicts, one per (kind, noise_aware): ``per_seed`` ({seed: threshold}), ``mean``,
        ``std``, ``min``, ``max`` over seeds, ``largest_tested`` (a threshold equal to it only
        says "at least this much"), and the rule's ``metric`` and ``tolerance``.
    """
    if metric not in HIGHER_IS_BETTER + LOWER_IS_BETTER:
        raise ValueError(f"threshold reads quality scores: use one of "
                         f"{HIGHER_IS_BETTER + LOWER_IS_BETTER}, got {metric!r}.")
    if not tolerance >= 1:
        raise ValueError(f"tolerance is a factor >= 1 (2.0: twice as bad), got {tolerance}.")
    _check_one_setting(records)
    groups = {}
    for r in records:
        groups.setdefault((label(r), r["noise_aware"]), {}).setdefault(r["seed"], {})[
            r["fraction"]] = value(r, metric)
    results = []
    for (kind, aware), seeds in sorted(groups.items()):
        per_seed = {}
        for seed, by_fraction in sorted(seeds.items()):
            if 0.0 not in by_fraction:
                raise ValueError(f"{kind} ({'noise-aware' if aware else 'plain'}) seed {seed} "
                                 f"has no clean run (fraction 0) to compare with; include 0 in "
                                 f"the sweep's fractions.")
            per_seed[seed] = robustness.seed_threshold(by_fraction, metric, tolerance)
        found = np.array(list(per_seed.values()))
        results.append({"kind": kind, "noise_aware": aware, "metric": metric,
                        "tolerance": tolerance, "per_seed": per_seed, "mean": found.mean(),
                        "std": found.std(), "min": found.min(), "max": found.max(),
                        "largest_tested": max(max(s) for s in seeds.values())})
    return results


def format_thresholds(results):
    """Thresholds from ``threshold`` as readable lines."""
    lines = []
    for t in results:
        spread = (f" (seeds: mean {t['mean']:.0%} ± {t['std']:.0%}, range {t['min']:.0%}-"
                  f"{t['max']:.0%})" if len(t["per_seed"]) > 1 else "")
        bound = " (the largest share tested: at least this)" if t["min"] == t[
            "largest_tested"] else ""
        lines.append(f"{t['kind']:16s} {'noise-aware' if t['noise_aware'] else 'plain':11s} "
                     f"{t['mean']:.0%}{spread}{bound}")
    rule = results[0] if results else {"metric": "?", "tolerance": "?"}
    return (f"Largest share with {rule['metric']} within x{rule['tolerance']} of the clean "
            f"run:\n" + "\n".join(lines))


# A study that is still running: what is there, and what may be read from it.

# Figures of a study's records.

def plot_contamination(records, path=None):
    """Contaminated share of the samples against the corrupted share of the training set
    (``train_share``, after cleaning for the noise-aware letter runs), one marker per point,
    a colour and marker per kind and training option (open: noise-aware). The dotted diagonal
    is "reproduced at the training share". Returns a ``Figure``; ``path`` also saves it."""
    fig = plotting.new_figure(figsize=(5.0, 4.2), layout="constrained")
    ax = fig.subplots()
    colors = {"gaussian": "tab:blue", "EMNIST letters": "tab:orange",
              "letters stand-in": "tab:red"}
    groups = {}
    for r in records:
        groups.setdefault((label(r), r["noise_aware"]), []).append(
            (value(r, "train_share"), value(r, "contamination")))
    top = 0.0
    for (kind, aware), points in sorted(groups.items()):
        x, y = 100 * np.array(points, dtype=float).T
        shown = np.isfinite(y)
        if shown.any():
            color = colors.get(kind, "tab:grey")
            ax.plot(x[shown], y[shown], "s" if aware else "o", ls="none", color=color,
                    mfc="none" if aware else color,
                    label=f"{kind}, {'noise-aware' if aware else 'plain'}")
            top = max(top, x[shown].max(), y[shown].max())
    top = max(top, 10.0)
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls=":", label="at the training share")
    ax.set_xlabel("corrupted share of the training set (%)")
    ax.set_ylabel("contaminated share of the samples (%)")
    ax.set_title("Does the generator copy the corruption?", fontsize=10)
    ax.legend(fontsize=7)
    if path is not None:
        plotting.save_figure(fig, path)
    return fig


def plot_samples(records, folder, fractions=(0.0, 0.3, 0.75), n=10, path=None):
    """``n`` stored samples per kind, training option and each of ``fractions`` that the
    records have (each curve's first seed), one row each, labelled e.g. ``"gaussian, plain,
    30%"``. Points whose samples file is not in ``folder`` are left out.

    Returns:
        the ``Figure`` of ``plotting.plot_grid``, or None when no point has samples to show.
    """
    if not 1 <= n <= robustness.SAMPLES_KEPT:
        raise ValueError(f"A record keeps {robustness.SAMPLES_KEPT} samples: n must lie in "
                         f"1..{robustness.SAMPLES_KEPT}, got {n}.")
    folder = pathlib.Path(folder)
    first = {}
    for r in records:
        key = (label(r), r["noise_aware"])
        first[key] = min(first.get(key, r["seed"]), r["seed"])
    chosen = sorted((r for r in records if r["seed"] == first[(label(r), r["noise_aware"])]
                     and any(np.isclose(r["fraction"], f) for f in fractions)
                     and (folder / r.get("samples_file", "?")).is_file()),
                    key=lambda r: (label(r), r["noise_aware"], r["fraction"]))
    if not chosen:
        return None
    rows = np.concatenate([robustness.load_samples(r, folder)[:n] for r in chosen])
    names = [f"{label(r)}, {'noise-aware' if r['noise_aware'] else 'plain'}, "
             f"{r['fraction']:.0%}" for r in chosen]
    return plotting.plot_grid(rows, ncols=n, row_labels=names, path=path)
