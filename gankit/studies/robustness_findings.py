"""What a robustness study's records (``gankit.studies.robustness``) say: tables, the
threshold rule, how far the study is, the original study's claims, and the figures. A curve
still running gives no threshold and no verdict. Introduced in notebook 05.
"""

import pathlib

import numpy as np

from gankit import plotting
from gankit.studies.robustness import SAMPLES_KEPT, describe_point, letters_are_standin, load_samples

COLUMNS = ("classifier_score", "frechet_distance", "recognisable_fraction", "covered",
           "train_share", "contamination", "noise_level")
HIGHER_IS_BETTER = ("classifier_score", "recognisable_fraction", "covered")
LOWER_IS_BETTER = ("frechet_distance", "kl_from_uniform")
THRESHOLD_METRICS = ("frechet_distance", "recognisable_fraction")
TOLERANCE = 2.0  # "close to the clean run": within a factor 2


def label(record):
    """A record's kind as every table and figure writes it: ``"gaussian"``, ``"EMNIST
    letters"``, or ``"letters stand-in"`` (the synthetic letters, never reported as EMNIST)."""
    if record["kind"] not in ("letters", "emnist"):
        return record["kind"]
    standin = (record.get("settings", {}).get("letters") == "stand-in"
               or letters_are_standin(record.get("letters_source", "")))
    return "letters stand-in" if standin else "EMNIST letters"


def value(record, metric):
    """One number of a record: a score, ``contamination`` (the corrected share), ``noise_level``
    (mean level over ``std``; NaN for letters), ``train_share``, ``train_seconds``, ..."""
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
    """Records as rows: dicts of kind, noise_aware, fraction, seed and ``columns``."""
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


def check_one_setting(records):
    """Refuse records with two points alike: they come from sweeps with different settings."""
    seen = set()
    for r in records:
        point = (label(r), r["noise_aware"], r["fraction"], r["seed"])
        if point in seen:
            raise ValueError(f"Two records for {describe_point(r)}: the records come "
                             f"from sweeps with different settings. Keep one setting, e.g. "
                             f"[r for r in records if r['settings']['epochs'] == 30].")
        seen.add(point)
    return records


def curves(records, metric):
    """``{(kind, noise_aware): (fractions, mean, low, high)}`` of ``metric`` over the seeds."""
    points = {}
    for r in check_one_setting(records):
        points.setdefault((label(r), r["noise_aware"]), {}).setdefault(
            r["fraction"], []).append(value(r, metric))
    return {key: (np.array(sorted(by_fraction)),
                  *(np.array([how(np.array(by_fraction[f], float)) for f in sorted(by_fraction)])
                    for how in (np.mean, np.min, np.max)))
            for key, by_fraction in sorted(points.items())}


def passes(score, clean, metric, tolerance=TOLERANCE):
    """Whether ``score`` stays within a factor ``tolerance`` of the same seed's clean run:
    ``<= tolerance * clean`` for ``LOWER_IS_BETTER`` metrics, ``>= clean / tolerance`` else."""
    return score <= tolerance * clean if metric in LOWER_IS_BETTER else score >= clean / tolerance


def seed_threshold(by_fraction, metric, tolerance=TOLERANCE):
    """One seed's threshold from its ``{fraction: metric value}`` (0 included): the largest
    fraction that passes with every smaller one (a pass beyond a failure does not count)."""
    passed = 0.0
    for fraction in sorted(by_fraction):
        if not passes(by_fraction[fraction], by_fraction[0.0], metric, tolerance):
            break
        passed = fraction
    return passed


def threshold(records, metric="frechet_distance", tolerance=TOLERANCE):
    """The largest share at which quality stays close to the clean run (``seed_threshold``),
    per kind, option and seed: one dict per (kind, noise_aware) with ``per_seed``, ``mean``,
    ``std``, ``min``, ``max``, ``largest_tested`` (a threshold there says "at least this"),
    ``metric`` and ``tolerance``."""
    if metric not in HIGHER_IS_BETTER + LOWER_IS_BETTER:
        raise ValueError(f"threshold reads quality scores: use one of "
                         f"{HIGHER_IS_BETTER + LOWER_IS_BETTER}, got {metric!r}.")
    if not tolerance >= 1:
        raise ValueError(f"tolerance is a factor >= 1 (2.0: twice as bad), got {tolerance}.")
    groups = {}
    for r in check_one_setting(records):
        groups.setdefault((label(r), r["noise_aware"]), {}).setdefault(r["seed"], {})[
            r["fraction"]] = value(r, metric)
    results = []
    for (kind, aware), seeds in sorted(groups.items()):
        per_seed = {}
        for seed, by_fraction in sorted(seeds.items()):
            if 0.0 not in by_fraction:
                raise ValueError(f"{kind} ({_option(aware)}) seed {seed} "
                                 f"has no clean run (fraction 0) to compare with; include 0 in "
                                 f"the sweep's fractions.")
            per_seed[seed] = seed_threshold(by_fraction, metric, tolerance)
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
        lines.append(f"{t['kind']:16s} {_option(t['noise_aware']):11s} "
                     f"{t['mean']:.0%}{spread}{bound}")
    rule = results[0] if results else {"metric": "?", "tolerance": "?"}
    return (f"Largest share with {rule['metric']} within x{rule['tolerance']} of the clean "
            f"run:\n" + "\n".join(lines))


def study_status(records, fractions, kinds=("gaussian", "letters"), noise_aware=(False, True)):
    """Which of a study's points are there: ``{(kind, noise_aware): dict}`` with ``name``
    (e.g. ``"letters stand-in, plain"``), ``seed`` (the first; None without records), its
    ``fractions``, the grid's ``missing`` ones, ``complete``, and ``spread`` (``{seed:
    fractions}`` of the other seeds)."""
    grid = sorted(float(f) for f in fractions)
    kinds = tuple(kinds) + tuple(sorted({r["kind"] for r in records} - set(kinds)))
    status = {}
    for kind in kinds:
        for aware in noise_aware:
            mine = [r for r in records if (r["kind"], r["noise_aware"]) == (kind, aware)]
            seeds = sorted({r["seed"] for r in mine})
            have = sorted(r["fraction"] for r in mine if r["seed"] == seeds[0]) if seeds else []
            status[(kind, aware)] = {
                "name": f"{label(mine[0]) if mine else kind}, {_option(aware)}",
                "seed": seeds[0] if seeds else None, "fractions": have,
                "missing": [f for f in grid if f not in have],
                "complete": bool(mine) and set(grid) <= set(have),
                "spread": {s: sorted(r["fraction"] for r in mine if r["seed"] == s)
                           for s in seeds[1:]}}
    return status


def shares(fractions):
    """Fractions as percentages, e.g. ``"0%, 30%"``."""
    return ", ".join(f"{f:.0%}" for f in fractions)


def format_status(status):
    """``study_status`` as one line per curve: complete, how far, or not there yet."""
    lines = []
    for s in status.values():
        done = len(s["fractions"])
        line = ("not there yet" if s["seed"] is None else
                f"complete, seed {s['seed']} ({done} shares)" if s["complete"] else
                f"{done} of {done + len(s['missing'])} shares so far, seed {s['seed']} "
                f"({shares(s['fractions'])})")
        line += "".join(f"; seed {seed} at {shares(have)}" for seed, have in s["spread"].items())
        lines.append(f"{s['name']:30s} {line}")
    return "\n".join(lines)


def finished_curves(records, fractions):
    """The records of the curves whose first seed has every fraction of the grid: a curve in
    progress would give a threshold of its shares so far."""
    status = study_status(records, fractions)
    return [r for r in records if status[(r["kind"], r["noise_aware"])]["complete"]]


def _option(noise_aware):
    return "noise-aware" if noise_aware else "plain"


def _reads(t):
    bound = "at least " if t["min"] == t["largest_tested"] else ""
    return f"{bound}{t['mean']:.0%}"


def threshold_summary(records, fractions, metrics=THRESHOLD_METRICS, tolerance=TOLERANCE):
    """Text: for each metric the thresholds of the finished curves (``finished_curves``), with
    their spread over seeds, the curves left out because they are still running, and how far
    noise-aware training moves each kind's threshold."""
    finished = finished_curves(records, fractions)
    waiting = [s["name"] for s in study_status(records, fractions).values()
               if s["seed"] is not None and not s["complete"]]
    parts = []
    for metric in metrics:
        results = threshold(finished, metric, tolerance)
        text = (format_thresholds(results) if results else
                f"{metric}: no complete curve yet, so no threshold.")
        by_curve = {(t["kind"], t["noise_aware"]): t for t in results}
        for kind in sorted({k for k, aware in by_curve if aware and (k, False) in by_curve}):
            plain, aware = _reads(by_curve[(kind, False)]), _reads(by_curve[(kind, True)])
            if "at least" in plain and "at least" in aware:
                text += (f"\n{kind}: both options pass at the largest share tested, so the "
                         f"grid cannot show how far noise-aware training moves it")
                continue
            shift = by_curve[(kind, True)]["mean"] - by_curve[(kind, False)]["mean"]
            moved = (f" ({100 * shift:+.0f} percentage points)"
                     if "at least" not in plain + aware else "")
            text += f"\n{kind}: noise-aware training moves it from {plain} to {aware}{moved}"
        parts.append(text)
    if waiting:
        parts.append("No threshold yet (curve still running): " + "; ".join(waiting))
    return "\n\n".join(parts)


EFFECTS = ("harmless", "artefacts", "obvious")
# (kind, share the study named, what it saw there, the effect that means, how to read it):
# "exactly" (this effect there) or "at least" (this effect or a stronger one).
ORIGINAL_CLAIMS = (
    ("gaussian", 0.05, "no substantial effect", "harmless", "exactly"),
    ("gaussian", 0.10, "no substantial effect", "harmless", "exactly"),
    ("gaussian", 0.20, "no substantial effect", "harmless", "exactly"),
    ("gaussian", 0.30, "minute errors", "artefacts", "at least"),
    ("letters", 2_000 / 62_000, "artefacts", "artefacts", "at least"),
    ("letters", 10_000 / 70_000, "visually distinguishable", "obvious", "at least"),
)


def point_effect(clean, point, tolerance=TOLERANCE, artefact_share=0.01, obvious_share=0.10):
    """The effect of the corruption at one point against the same curve's clean run:
    ``"obvious"`` when the Fréchet distance or the recognisable fraction fails ``passes``, or
    the excess contamination (over the clean run's) reaches ``obvious_share``; ``"artefacts"``
    when it reaches ``artefact_share`` (one corrupted sample more in 100); else ``"harmless"``.
    Returns a dict of the numbers (``fd_ratio``, ``excess``, ...), the ``effect``, and each half
    of the rule alone: ``by_scores`` and ``by_contamination``.
    """
    fd_ratio = value(point, "frechet_distance") / value(clean, "frechet_distance")
    recognisable_ratio = (value(point, "recognisable_fraction")
                          / value(clean, "recognisable_fraction"))
    contamination, clean_contamination = value(point, "contamination"), value(clean, "contamination")
    excess = contamination - clean_contamination
    by_scores = ("harmless" if all(passes(value(point, m), value(clean, m), m, tolerance)
                                   for m in THRESHOLD_METRICS) else "obvious")
    by_contamination = ("obvious" if excess >= obvious_share else "artefacts"
                        if excess >= artefact_share else "harmless")
    return {"fraction": point["fraction"], "fd_ratio": fd_ratio,
            "recognisable_ratio": recognisable_ratio, "contamination": contamination,
            "clean_contamination": clean_contamination, "excess": excess,
            "train_share": value(point, "train_share"),
            "effect": max(by_scores, by_contamination, key=EFFECTS.index),
            "by_scores": by_scores, "by_contamination": by_contamination}


def _verdict(levels, expected, mode):
    """A claim's verdict from the effects (``EFFECTS`` indices) at the shares it is read at."""
    want = EFFECTS.index(expected)
    if mode == "at least":
        return ("holds" if levels[0] >= want else "does not hold" if levels[-1] < want
                else "not decided by the grid")
    return ("holds" if set(levels) == {want} else "does not hold"
            if not min(levels) <= want <= max(levels) else "not decided by the grid")


HALVES = {"scores": "by_scores", "contamination": "by_contamination"}


def check_claims(records, fractions, claims=ORIGINAL_CLAIMS, **rule):
    """Each of the original study's judgements on the plain curves (first seed), with a verdict
    by the scores (did the digits get worse?) and one by the contamination (is it copied?). A
    claim holds when the reading is that effect (or, ``"at least"``, a stronger one). A share
    off the grid is read on either side, the effect assumed not to shrink as the share grows:
    "not decided by the grid" when the two disagree. ``rule``: ``point_effect``'s options.

    Returns:
        one dict per claim: ``kind`` (as ``label`` writes it), ``share``, ``saw``,
        ``expected``, ``mode``, ``read_at``, ``readings`` (``point_effect``'s), ``verdicts``
        (``{"scores": ..., "contamination": ...}``; empty while points are ``missing``).
    """
    grid = sorted(float(f) for f in fractions)
    results = []
    for kind, share, saw, expected, mode in claims:
        curve = [r for r in records if r["kind"] == kind and not r["noise_aware"]]
        seed = min((r["seed"] for r in curve), default=None)
        by_fraction = {r["fraction"]: r for r in curve if r["seed"] == seed}
        read_at = ([share] if share in grid else
                   [max(f for f in grid if f < share), min(f for f in grid if f > share)])
        result = {"kind": label(curve[0]) if curve else kind, "share": share, "saw": saw,
                  "expected": expected, "mode": mode, "read_at": read_at, "readings": [],
                  "verdicts": {}, "missing": [f for f in sorted({0.0, *read_at})
                                              if f not in by_fraction]}
        if not result["missing"]:
            clean = {"fraction": 0.0, "effect": "harmless", **dict.fromkeys(HALVES.values(),
                                                                            "harmless")}
            result["readings"] = [point_effect(by_fraction[0.0], by_fraction[f], **rule)
                                  if f > 0 else clean for f in read_at]
            result["verdicts"] = {
                half: _verdict([EFFECTS.index(r[key]) for r in result["readings"]], expected,
                               mode) for half, key in HALVES.items()}
        results.append(result)
    return results


def format_claims(results):
    """``check_claims`` as text: per claim the measured numbers, then the two verdicts."""
    lines = []
    for c in results:
        head = (f"{c['kind']} at {c['share']:.0%}: the study saw \"{c['saw']}\" "
                f"(= {c['expected']}{', or stronger' if c['mode'] == 'at least' else ''})")
        if c["share"] not in c["read_at"]:
            head += (f"; {c['share']:.0%} is not on the grid: read at "
                     + " and ".join(f"{f:.0%}" for f in c["read_at"]))
        lines.append(head)
        if not c["verdicts"]:
            lines.append("    not in the records yet: "
                         + ", ".join(f"{f:.0%}" for f in c["missing"]) + " (no verdict)")
            continue
        for r in c["readings"]:
            if r["fraction"] == 0:
                lines.append("    at 0%: the clean run (harmless by definition)")
                continue
            lines.append(f"    at {r['fraction']:.0%}: Fréchet x{r['fd_ratio']:.2f} and "
                         f"recognisable x{r['recognisable_ratio']:.2f} of the clean run "
                         f"-> {r['by_scores']}; contamination {r['contamination']:.3f} (clean "
                         f"run {r['clean_contamination']:.3f}, trained on "
                         f"{r['train_share']:.3f}) -> {r['by_contamination']}")
        standin = " (on the letters stand-in, not EMNIST)" if c["kind"] == "letters stand-in" else ""
        lines.append(f"    verdict by the scores: {c['verdicts']['scores']}; by the "
                     f"contamination: {c['verdicts']['contamination']}{standin}")
    return "\n".join(lines)


def compare_records(records, reference, metrics=("frechet_distance", "recognisable_fraction",
                                                 "contamination"), names=("live", "shipped")):
    """Rows for ``format_table``: each point of ``records`` that ``reference`` has too (same
    ``label``, option, fraction and seed), with ``metric (name)`` columns for both."""
    key = lambda r: (label(r), r["noise_aware"], r["fraction"], r["seed"])
    known = {key(r): r for r in reference}
    rows = []
    for r in records:
        if key(r) in known:
            row = dict(zip(("kind", "noise_aware", "fraction", "seed"), key(r)))
            for metric in metrics:
                for name, source in zip(names, (r, known[key(r)])):
                    row[f"{metric} ({name})"] = value(source, metric)
            rows.append(row)
    return rows


def _threshold_text(t):
    spread = (f" ({t['min']:.0%}-{t['max']:.0%})" if len(t["per_seed"]) > 1 else "")
    return _reads(t) + spread


def settled_seeds(records, fractions, metric, tolerance=TOLERANCE):
    """The records whose seed's threshold of ``metric`` is settled: each curve's first seed,
    and another seed once it has its clean run and the grid share after its threshold (or its
    threshold is the grid's largest share), so that a spread seed still running does not pull
    the mean toward the shares it has so far."""
    grid = sorted(float(f) for f in fractions)
    by_curve = {}
    for r in records:
        by_curve.setdefault((label(r), r["noise_aware"]), {}).setdefault(r["seed"], []).append(r)
    kept = []
    for seeds in by_curve.values():
        first = min(seeds)
        for seed, mine in seeds.items():
            tested = {r["fraction"]: value(r, metric) for r in mine}
            if seed != first:
                if 0.0 not in tested:
                    continue
                found = seed_threshold(tested, metric, tolerance)
                after = [f for f in grid if f > found]
                if after and after[0] not in tested:
                    continue
            kept += mine
    return kept


def compare_generators(studies, fractions, shown=(0.3, 0.75), tolerance=TOLERANCE):
    """Rows for ``format_table`` that set two or more studies side by side: ``studies`` is
    ``{generator name: records}``. Per kind, training option and generator: the clean run's
    classifier score and recognisable fraction (first seed), the thresholds of
    ``THRESHOLD_METRICS`` (mean over seeds, their range in brackets, "at least" at the largest
    share tested; a spread seed once its threshold is settled, ``settled_seeds``), and the
    Fréchet distance and contamination at each share of ``shown`` (first seed): a threshold is
    relative to the generator's own clean run, these are not. Only finished curves
    (``finished_curves``) are read."""
    rows = []
    for generator, records in studies.items():
        finished = finished_curves(records, fractions)
        found = {m: {(t["kind"], t["noise_aware"]): t for t in threshold(
                     settled_seeds(finished, fractions, m, tolerance), m, tolerance)}
                 for m in THRESHOLD_METRICS}
        for (kind, aware), t in found[THRESHOLD_METRICS[0]].items():
            curve = [r for r in finished if (label(r), r["noise_aware"]) == (kind, aware)]
            first = {r["fraction"]: r for r in curve if r["seed"] == min(t["per_seed"])}
            row = {"kind": kind, "training": _option(aware), "generator": generator,
                   "clean score": value(first[0.0], "classifier_score"),
                   "clean recognisable": value(first[0.0], "recognisable_fraction")}
            row.update({f"{m} threshold": _threshold_text(found[m][(kind, aware)])
                        for m in THRESHOLD_METRICS})
            for f in shown:
                row.update({f"{name} at {f:.0%}": value(first[f], metric) if f in first
                            else float("nan") for name, metric in (
                                ("Fréchet", "frechet_distance"),
                                ("contamination", "contamination"))})
            rows.append(row)
    return sorted(rows, key=lambda r: (r["kind"], r["training"] != "plain", r["generator"]))


def compare_claims(studies, fractions, **rule):
    """Rows for ``format_table``: each of the original study's judgements (``check_claims``)
    with its two verdicts (by the scores, by the contamination) for every study of
    ``studies`` (``{generator name: records}``)."""
    rows = {}
    for generator, records in studies.items():
        for i, c in enumerate(check_claims(records, fractions, **rule)):
            row = rows.setdefault(i, {"claim": f"{c['kind']} at {c['share']:.0%}: {c['saw']}"})
            verdicts = c["verdicts"] or dict.fromkeys(HALVES, "no verdict yet")
            row.update({f"{generator}, by {half}": verdict for half, verdict in verdicts.items()})
    return list(rows.values())


CURVES = ("frechet_distance", "classifier_score", "recognisable_fraction", "covered",
          "contamination", "noise_level")
TITLES = {"covered": "classes covered", "contamination": "contamination (corrected share)",
          "noise_level": "mean noise level / std"}
COLORS = {"gaussian": "tab:blue", "EMNIST letters": "tab:orange", "letters stand-in": "tab:red"}


def plot_curves(records, metrics=CURVES, ncols=3, path=None):
    """One panel per metric against the corrupted share; a line per kind and training option
    (dashed: noise-aware), shaded over seeds. Returns a ``Figure``; ``path`` also saves it."""
    nrows = -(-len(metrics) // ncols)
    fig = plotting.new_figure(figsize=(3.8 * ncols, 3.0 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    for ax, metric in zip(axes, metrics):
        for (kind, aware), (x, mean, low, high) in curves(records, metric).items():
            if np.isfinite(mean).any():
                ax.plot(100 * x, mean, "o--" if aware else "o-", color=COLORS[kind],
                        label=f"{kind}, {_option(aware)}")
                ax.fill_between(100 * x, low, high, color=COLORS[kind], alpha=0.15)
        if metric in ("contamination", "noise_level"):
            top = 100 * max(r["fraction"] for r in records)
            ax.plot([0, top], [0, top / 100], color="grey", lw=0.8, ls=":", label="as trained")
        ax.set_xlabel("corrupted share of training set (%)")
        ax.set_title(TITLES.get(metric, metric.replace("_", " ")), fontsize=10)
    axes[0].legend(fontsize=7)
    if path is not None:
        plotting.save_figure(fig, path)
    return fig


def plot_contamination(records, path=None):
    """Contaminated share of the samples against ``train_share``, a marker per point (open:
    noise-aware) beside the diagonal. Returns a ``Figure``; ``path`` also saves it."""
    fig = plotting.new_figure(figsize=(5.0, 4.2), layout="constrained")
    ax = fig.subplots()
    groups = {}
    for r in records:
        groups.setdefault((label(r), r["noise_aware"]), []).append(
            (value(r, "train_share"), value(r, "contamination")))
    top = 0.0
    for (kind, aware), points in sorted(groups.items()):
        x, y = 100 * np.array(points, dtype=float).T
        shown = np.isfinite(y)
        if shown.any():
            color = COLORS.get(kind, "tab:grey")
            ax.plot(x[shown], y[shown], "s" if aware else "o", ls="none", color=color,
                    mfc="none" if aware else color,
                    label=f"{kind}, {_option(aware)}")
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


GENERATOR_COLORS = ("tab:grey", "tab:purple", "tab:green")


def plot_generators(studies, path=None):
    """Does a better generator copy the corruption more faithfully? One panel per kind: the
    contaminated share of the samples against the corrupted share of the training set, a line
    per generator of ``studies`` (``{name: records}``, first seed; dashed and open markers:
    noise-aware) beside the diagonal, the other seeds' points as small crosses. Returns a
    ``Figure``; ``path`` also saves it."""
    kinds = sorted({label(r) for records in studies.values() for r in records})
    fig = plotting.new_figure(figsize=(4.4 * len(kinds), 4.0), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(kinds), sharey=True))
    for ax, kind in zip(axes, kinds):
        top = 10.0
        for color, (generator, records) in zip(GENERATOR_COLORS, studies.items()):
            for aware in (False, True):
                curve = [r for r in records if (label(r), r["noise_aware"]) == (kind, aware)]
                if not curve:
                    continue
                seed = min(r["seed"] for r in curve)
                points = sorted((value(r, "train_share"), value(r, "contamination"))
                                for r in curve if r["seed"] == seed)
                x, y = 100 * np.array(points, dtype=float).T
                if np.isfinite(y).any():
                    ax.plot(x, y, "s--" if aware else "o-", color=color,
                            mfc="none" if aware else color,
                            label=f"{generator}, {_option(aware)}")
                    top = max(top, np.nanmax(x), np.nanmax(y))
                others = [(value(r, "train_share"), value(r, "contamination"))
                          for r in curve if r["seed"] != seed]
                if others:
                    ax.plot(*(100 * np.array(others, dtype=float).T), "x", ms=5, color=color)
        ax.plot([0, top], [0, top], color="black", lw=0.8, ls=":", label="at the training share")
        ax.plot([], [], "x", ms=5, color="gray", label="other seeds")
        ax.set_title(kind, fontsize=10)
        ax.set_xlabel("corrupted share of the training set (%)")
    axes[0].set_ylabel("contaminated share of the samples (%)")
    axes[0].legend(fontsize=7)
    if path is not None:
        plotting.save_figure(fig, path)
    return fig


def plot_samples(records, folder, fractions=(0.0, 0.3, 0.75), n=10, path=None):
    """A row of ``n`` stored samples per kind, training option and each of ``fractions`` (the
    first seed's), labelled e.g. ``"gaussian, plain, 30%"``: a ``Figure``, or None when no
    point has its samples file in ``folder``."""
    if not 1 <= n <= SAMPLES_KEPT:
        raise ValueError(f"A record keeps {SAMPLES_KEPT} samples: n must lie in "
                         f"1..{SAMPLES_KEPT}, got {n}.")
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
    rows = np.concatenate([load_samples(r, folder)[:n] for r in chosen])
    names = [f"{label(r)}, {_option(r['noise_aware'])}, {r['fraction']:.0%}" for r in chosen]
    return plotting.plot_grid(rows, ncols=n, row_labels=names, path=path)
