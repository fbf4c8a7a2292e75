"""What a robustness study answers: how far it is, its thresholds, and the original claims.

    status = study_status(records, sizes.fractions, sizes.spread_seeds)
    print(format_status(status))                       # which curves are complete
    print(threshold_summary(records, sizes.fractions, sizes.spread_seeds))
    print(format_claims(check_claims(records, sizes.fractions)))

Every function reads the records of ``gankit.studies.robustness`` and the threshold rule of
``gankit.studies.robustness_report``; a curve still running never gives a threshold or a
verdict. Introduced in notebook 05.
"""

from gankit.studies.robustness import spread_points
from gankit.studies.robustness_report import format_thresholds, label, threshold, value


def study_status(records, fractions, spread_seeds=(), kinds=("gaussian", "letters"),
                 noise_aware=(False, True)):
    """Which of a study's points are there, per curve (kind and training option).

    Args:
        records: finished records (``robustness.load_results``), one setting.
        fractions: the study's grid (``robustness.sizes("full").fractions``).
        spread_seeds: its extra seeds (``.spread_seeds``), planned by ``spread_points``.

    Returns:
        ``{(kind, noise_aware): dict}`` in study order, each with ``name`` (e.g. ``"letters
        stand-in, plain"``), ``seed`` (the curve's first seed; None without records),
        ``fractions`` (the first seed's, sorted), ``missing`` (grid fractions it lacks),
        ``complete`` (bool), ``spread`` (``{seed: fractions there}`` for the other seeds),
        ``pending`` (``{seed: fractions spread_points still plans}``) and ``spread_seeds``.
    """
    grid = sorted(float(f) for f in fractions)
    plan = spread_points(records, grid, spread_seeds)
    kinds = tuple(kinds) + tuple(sorted({r["kind"] for r in records} - set(kinds)))
    status = {}
    for kind in kinds:
        for aware in noise_aware:
            mine = [r for r in records if (r["kind"], r["noise_aware"]) == (kind, aware)]
            seeds = sorted({r["seed"] for r in mine})
            have = sorted(r["fraction"] for r in mine if seeds and r["seed"] == seeds[0])
            pending = {}
            for _, _, fraction, seed in (p for p in plan if p[:2] == (kind, aware)):
                pending.setdefault(seed, []).append(fraction)
            option = "noise-aware" if aware else "plain"
            status[(kind, aware)] = {
                "name": f"{label(mine[0]) if mine else kind}, {option}",
                "seed": seeds[0] if seeds else None, "fractions": have,
                "missing": [f for f in grid if f not in have],
                "complete": bool(mine) and set(grid) <= set(have),
                "spread": {s: sorted(r["fraction"] for r in mine if r["seed"] == s)
                           for s in seeds[1:]},
                "pending": pending, "spread_seeds": tuple(spread_seeds)}
    return status


def format_status(status):
    """``study_status`` as one line per curve: complete, how far, or not there yet."""
    shares = lambda fractions: ", ".join(f"{f:.0%}" for f in fractions)
    lines = []
    for s in status.values():
        if s["seed"] is None:
            lines.append(f"{s['name']:30s} not there yet")
            continue
        done = len(s["fractions"])
        line = (f"complete, seed {s['seed']} ({done} shares)" if s["complete"] else
                f"{done} of {done + len(s['missing'])} shares so far, seed {s['seed']} "
                f"({shares(s['fractions'])})")
        for seed in sorted(set(s["spread"]) | set(s["pending"])):
            have, todo = s["spread"].get(seed, []), s["pending"].get(seed, [])
            line += (f"; seed {seed} at {shares(have) or 'no share yet'}"
                     + (f", still to run: {shares(todo)}" if todo else ""))
        if s["spread_seeds"] and not s["complete"]:
            line += "; other seeds follow once it is complete"
        lines.append(f"{s['name']:30s} {line}")
    return "\n".join(lines)


def finished_curves(records, fractions, spread_seeds=()):
    """The records a threshold may be read from: curves whose first seed has every fraction
    of the grid, and of the other seeds only those with no point still planned
    (``spread_points``). A curve in progress would give a threshold of the shares run so far."""
    status = study_status(records, fractions, spread_seeds)
    keep = []
    for r in records:
        curve = status[(r["kind"], r["noise_aware"])]
        if curve["complete"] and (r["seed"] == curve["seed"] or r["seed"] not in curve["pending"]):
            keep.append(r)
    return keep


def _reads(t):
    bound = "at least " if t["min"] == t["largest_tested"] else ""
    return f"{bound}{t['mean']:.0%}"


def threshold_summary(records, fractions, spread_seeds=(),
                      metrics=("frechet_distance", "recognisable_fraction"), tolerance=2.0):
    """Text: for each metric the thresholds of the finished curves (``finished_curves``), with
    their spread over seeds, the curves left out because they are still running, and how far
    noise-aware training moves each kind's threshold."""
    finished = finished_curves(records, fractions, spread_seeds)
    waiting = [s["name"] for s in study_status(records, fractions, spread_seeds).values()
               if s["seed"] is not None and not s["complete"]]
    parts = []
    for metric in metrics:
        results = threshold(finished, metric, tolerance)
        text = (format_thresholds(results) if results else
                f"{metric}: no complete curve yet, so no threshold.")
        by_curve = {(t["kind"], t["noise_aware"]): t for t in results}
        for kind in sorted({kind for kind, _ in by_curve}):
            if (kind, False) in by_curve and (kind, True) in by_curve:
                plain, aware = by_curve[(kind, False)], by_curve[(kind, True)]
                if "at least" in _reads(plain) and "at least" in _reads(aware):
                    text += (f"\n{kind}: both options pass at the largest share tested, so "
                             f"the grid cannot show how far noise-aware training moves it")
                    continue
                moved = (f" ({100 * (aware['mean'] - plain['mean']):+.0f} percentage points)"
                         if "at least" not in _reads(plain) + _reads(aware) else "")
                text += (f"\n{kind}: noise-aware training moves it from {_reads(plain)} to "
                         f"{_reads(aware)}{moved}")
        parts.append(text)
    if waiting:
        parts.append("No threshold yet (curve still running): " + "; ".join(waiting))
    return "\n\n".join(parts)


# The original study's judgements, read on the measured curves.

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


def point_effect(clean, point, tolerance=2.0, artefact_share=0.01, obvious_share=0.10):
    """The effect of the corruption at one point against the same curve's clean run.

    Rule: ``"obvious"`` when the Fréchet distance or the recognisable fraction leaves the
    threshold rule's factor ``tolerance`` of the clean run, or when the excess contamination
    (the point's contamination minus the clean run's) is at least ``obvious_share``;
    ``"artefacts"`` when the excess is at least ``artefact_share`` (0.01: one corrupted sample
    more in every 100); ``"harmless"`` otherwise. Without a contamination measure (NaN) only
    the scores decide.

    Returns:
        dict: ``fraction``, ``fd_ratio``, ``recognisable_ratio``, ``contamination``,
        ``clean_contamination``, ``excess``, ``train_share``, ``effect``, and the effect that
        each half of the rule gives alone: ``by_scores`` (``"harmless"`` or ``"obvious"``) and
        ``by_contamination``.
    """
    fd_ratio = value(point, "frechet_distance") / value(clean, "frechet_distance")
    recognisable_ratio = (value(point, "recognisable_fraction")
                          / value(clean, "recognisable_fraction"))
    contamination, clean_contamination = value(point, "contamination"), value(clean, "contamination")
    excess = contamination - clean_contamination
    by_scores = ("harmless" if fd_ratio <= tolerance and recognisable_ratio >= 1 / tolerance
                 else "obvious")
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
    """Each of the original study's judgements against the plain-training curves, read twice:
    by the scores (did the digits get worse?) and by the contamination (is the corruption
    copied?). The two are different questions, so each gets its own verdict.

    A claim of no effect (``"exactly"`` harmless) holds when the reading is harmless at the
    claimed share; a claim of an effect (``"at least"``) holds when the reading is that effect
    or a stronger one. A claimed share that is not on the grid ``fractions`` is read at the
    grid shares on either side, assuming that the effect does not shrink as the share grows:
    it holds when the lower share already shows it, fails when the upper one does not, and is
    "not decided by the grid" otherwise. Each curve is read on its first seed. ``rule``:
    ``tolerance``, ``artefact_share``, ``obvious_share`` of ``point_effect``.

    Returns:
        list of dicts, one per claim: ``kind`` (as ``label`` writes it), ``share``, ``saw``,
        ``expected``, ``mode``, ``read_at`` (grid shares), ``readings`` (``point_effect``
        dicts), ``verdicts`` (``{"scores": ..., "contamination": ...}``, each ``"holds"``,
        ``"does not hold"`` or ``"not decided by the grid"``; empty while points are missing)
        and ``missing`` (what is not in the records yet).
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
                  "verdicts": {}, "missing": []}
        result["missing"] = [f for f in sorted({0.0, *read_at}) if f not in by_fraction]
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
    kind as ``label`` writes it, training option, fraction and seed), with ``metric (name)``
    columns for both."""
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
