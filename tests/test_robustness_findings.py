"""Reading a robustness sweep: tables, curves, the threshold rule, the study's status and the
spread points benchmarks/robustness.py plans, on constructed records."""

import pytest

from benchmark_modules import load
from gankit import config
from gankit.studies import robustness_findings

spread_points = load("robustness").spread_points


def record(fraction, seed, fd, recognisable, kind="gaussian", aware=False, letters=None):
    return {"kind": kind, "noise_aware": aware, "fraction": fraction, "seed": seed,
            "settings": {"letters": letters} if letters else {},
            "scores": {"frechet_distance": fd, "recognisable_fraction": recognisable},
            "contamination": {"share": 0.0}, "train_share": fraction}


def test_threshold_reads_constructed_curves():
    curve = {0.0: (10, 0.8), 0.05: (12, 0.7), 0.1: (19, 0.5), 0.2: (25, 0.3), 0.3: (15, 0.6)}
    records = [record(f, 0, fd, r) for f, (fd, r) in curve.items()]
    records += [record(0.0, 1, 10, 0.8), record(0.05, 1, 30, 0.8), record(0.1, 1, 12, 0.8)]
    records += [record(f, 0, 5, 0.9, kind="letters", letters="stand-in") for f in (0.0, 0.1, 0.3)]
    results = {t["kind"]: t for t in robustness_findings.threshold(records)}
    gaussian = results["gaussian"]
    # seed 0: 25 > 2 x 10 at 20%, so 30% does not count although it passes again
    assert gaussian["per_seed"] == {0: 0.1, 1: 0.0}
    assert gaussian["min"] == 0.0 and gaussian["max"] == 0.1 and gaussian["mean"] == 0.05
    standin = results["letters stand-in"]  # never called EMNIST
    assert standin["mean"] == 0.3 == standin["largest_tested"]
    higher = {t["kind"]: t for t in robustness_findings.threshold(records, "recognisable_fraction")}
    assert higher["gaussian"]["per_seed"] == {0: 0.1, 1: 0.1}  # 0.3 < 0.8 / 2 fails
    text = robustness_findings.format_thresholds(robustness_findings.threshold(records))
    assert "at least" in text and "letters stand-in" in text and "EMNIST" not in text


def test_the_stand_in_label_reaches_tables_and_figures():
    records = [record(f, 0, 5, 0.9, kind="letters", letters="stand-in") for f in (0.0, 0.3)]
    records += [record(f, 0, 5, 0.9, kind="letters", letters="emnist") for f in (0.0, 0.3)]
    kinds = {row["kind"] for row in robustness_findings.table(records, columns=("frechet_distance",))}
    assert kinds == {"letters stand-in", "EMNIST letters"}
    fig = robustness_findings.plot_curves(records, ("frechet_distance",), ncols=1)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "letters stand-in, plain" in legend and "EMNIST letters, plain" in legend


def test_threshold_refuses_what_it_cannot_read():
    records = [record(0.1, 0, 10, 0.8), record(0.2, 0, 10, 0.8)]
    with pytest.raises(ValueError, match="fraction 0"):
        robustness_findings.threshold(records)
    with pytest.raises(ValueError, match="factor >= 1"):
        robustness_findings.threshold(records, tolerance=0.5)
    with pytest.raises(ValueError, match="quality scores"):
        robustness_findings.threshold(records, metric="contamination")


def test_table_and_curves():
    records = [record(0.0, 0, 10, 0.8), record(0.0, 1, 14, 0.8), record(0.3, 0, 20, 0.5)]
    rows = robustness_findings.table(records, columns=("frechet_distance", "contamination"))
    assert rows[0] == {"kind": "gaussian", "noise_aware": False, "fraction": 0.0, "seed": 0,
                       "frechet_distance": 10, "contamination": 0.0}
    assert len(robustness_findings.format_table(rows).splitlines()) == 2 + len(rows)
    fractions, mean, low, high = robustness_findings.curves(records, "frechet_distance")[
        ("gaussian", False)]
    assert fractions.tolist() == [0.0, 0.3] and mean.tolist() == [12, 20]
    assert low.tolist() == [10, 20] and high.tolist() == [14, 20]


def test_records_of_two_settings_are_not_mixed():
    records = [record(0.0, 0, 10, 0.8), record(0.0, 0, 12, 0.8)]
    with pytest.raises(ValueError, match="different settings"):
        robustness_findings.threshold(records)


def test_plot_curves_draws_one_panel_per_metric(tmp_path):
    records = [record(f, 0, 10 + 20 * f, 0.8 - f) for f in (0.0, 0.1, 0.3)]
    records += [record(f, 0, 12, 0.8, aware=True) for f in (0.0, 0.3)]
    fig = robustness_findings.plot_curves(records, ("frechet_distance", "contamination",
                                                  "noise_level"), ncols=2,
                                        path=tmp_path / "curves.png")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 4 and [ax.get_title() for ax in visible] == [
        "frechet distance", "contamination (corrected share)", "mean noise level / std"]
    assert len(visible[0].get_lines()) == 2  # plain and noise-aware
    assert len(visible[1].get_lines()) == 3  # both, and the "as trained" diagonal
    assert len(visible[2].get_lines()) == 1  # no noise levels recorded: the diagonal alone
    assert (tmp_path / "curves.png").stat().st_size > 0


GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75)
FD = ("frechet_distance",)


def test_spread_points_bracket_the_first_seeds_threshold():
    fds = dict(zip(GRID, (10, 11, 12, 15, 19, 25, 40)))  # passes up to 30%, fails at 50%
    records = [record(f, 0, fd, 0.8) for f, fd in fds.items()]
    assert spread_points(records, GRID, (1,), FD) == [
        ("gaussian", False, 0.0, 1), ("gaussian", False, 0.3, 1), ("gaussian", False, 0.5, 1)]
    # the second seed agrees: nothing more to run
    records += [record(f, 1, fds[f], 0.8) for f in (0.0, 0.3, 0.5)]
    assert spread_points(records, GRID, (1,), FD) == []
    # a curve whose first seed is still running is not planned yet
    assert spread_points(records[:-4], GRID, (1,), FD) == []


def test_spread_points_follow_a_second_seed_whose_threshold_lies_lower():
    records = [record(f, 0, fd, 0.8) for f, fd in zip(GRID, (10, 11, 12, 15, 19, 25, 40))]
    records += [record(0.0, 1, 10, 0.8), record(0.3, 1, 30, 0.8), record(0.5, 1, 40, 0.8)]
    # seed 1 fails at 30%: its threshold reads 0 until the fractions below are run
    assert spread_points(records, GRID, (1,), FD) == [("gaussian", False, 0.05, 1)]
    records.append(record(0.05, 1, 12, 0.8))
    assert spread_points(records, GRID, (1,), FD) == [("gaussian", False, 0.1, 1)]
    records.append(record(0.1, 1, 25, 0.8))  # fails: seed 1's threshold is 5%, bracketed
    assert spread_points(records, GRID, (1,), FD) == []
    assert robustness_findings.threshold(records)[0]["per_seed"] == {0: 0.3, 1: 0.05}


def test_spread_points_at_the_ends_of_the_grid():
    passing = [record(f, 0, 10, 0.8) for f in GRID]  # never fails: the last two fractions
    assert [p[2] for p in spread_points(passing, GRID, (1,), FD)] == [0.0, 0.5, 0.75]
    failing = [record(f, 0, 10 if f == 0 else 50, 0.8) for f in GRID]  # fails at once
    assert [p[2] for p in spread_points(failing, GRID, (1,), FD)] == [0.0, 0.05]


def contaminated(fraction, contamination, seed=0, fd=10.0, recognisable=0.8, **kwargs):
    point = record(fraction, seed, fd, recognisable, **kwargs)
    point["contamination"] = {"share": contamination}
    return point


def test_plot_contamination_puts_every_point_against_the_diagonal(tmp_path):
    records = [contaminated(f, 0.9 * f) for f in (0.0, 0.1, 0.3)]
    records += [contaminated(f, 0.8 * f, kind="letters", letters="stand-in") for f in (0.0, 0.3)]
    records += [contaminated(f, 0.01, kind="letters", aware=True, letters="stand-in")
                for f in (0.0, 0.3)]
    records[-1]["train_share"] = 0.05  # cleaning removed most letters
    fig = robustness_findings.plot_contamination(records, path=tmp_path / "contamination.png")
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"gaussian, plain", "letters stand-in, plain",
            "letters stand-in, noise-aware"} <= set(legend)
    assert not any("EMNIST" in text for text in legend)
    diagonal = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert len(diagonal) == 1 and list(diagonal[0].get_xdata()) == list(diagonal[0].get_ydata())
    cleaned = next(line for line in ax.get_lines()
                   if line.get_label() == "letters stand-in, noise-aware")
    assert list(cleaned.get_xdata()) == [0.0, 5.0]  # x is the train share, in percent
    assert (tmp_path / "contamination.png").stat().st_size > 0


def test_study_status_reads_only_what_is_there():
    records = [record(f, 0, fd, 0.8) for f, fd in zip(GRID, (10, 11, 12, 15, 19, 25, 40))]
    records += [record(0.0, 1, 10, 0.8)]  # seed 1 has begun: 30%, 50% (Fréchet), 75% to run
    records += [record(f, 0, 10, 0.8, aware=True) for f in (0.0, 0.05)]
    status = robustness_findings.study_status(records, GRID)
    plain, aware = status[("gaussian", False)], status[("gaussian", True)]
    assert plain["complete"] and plain["spread"] == {1: [0.0]}
    assert not aware["complete"] and aware["missing"] == [0.1, 0.2, 0.3, 0.5, 0.75]
    assert status[("letters", False)]["seed"] is None
    text = robustness_findings.format_status(status)
    assert "complete, seed 0 (7 shares); seed 1 at 0%" in text
    assert "2 of 7 shares so far" in text and "letters, plain" in text and "not there yet" in text
    # thresholds: complete curves only (a spread seed still running: the benchmark's settled)
    finished = robustness_findings.finished_curves(records, GRID)
    assert {(r["noise_aware"], r["seed"]) for r in finished} == {(False, 0), (False, 1)}
    summary = robustness_findings.threshold_summary(records[:7] + records[8:], GRID)
    assert "gaussian         plain       30%" in summary
    assert "No threshold yet (curve still running): gaussian, noise-aware" in summary


def test_the_benchmark_reads_spread_seeds_only_once_their_points_are_in():
    benchmark = load("robustness")
    sizes = config.RobustnessSizes(fractions=GRID, seeds=(0,), spread_seeds=(1,), epochs=1,
                                   model="vanilla", batch_size=64)
    records = [record(f, 0, fd, 0.8) for f, fd in zip(GRID, (10, 11, 12, 15, 19, 25, 40))]
    records += [record(0.0, 1, 10, 0.8)]  # seed 1 has begun: 30%, 50% (Fréchet), 75% to run
    records += [record(f, 0, 10, 0.8, aware=True) for f in (0.0, 0.05)]
    pending = spread_points(records, GRID, (1,))
    text = benchmark.format_status(records, sizes, pending)
    assert "complete, seed 0 (7 shares); seed 1 at 0%; seed 1 still to run: 30%, 50%, 75%" in text
    assert "2 of 7 shares so far" in text and "other seeds follow once it is complete" in text
    settled = benchmark.settled(records, pending)
    assert {(r["noise_aware"], r["seed"]) for r in settled} == {(False, 0), (True, 0)}
    records += [record(f, 0, 10, 0.8, aware=True) for f in GRID[2:]]
    records += [record(f, 1, fd, 0.8) for f, fd in ((0.3, 19), (0.5, 25), (0.75, 40))]
    settled = benchmark.settled(records, spread_points(records, GRID, (1,)))
    assert {(r["noise_aware"], r["seed"]) for r in settled} == {(False, 0), (False, 1), (True, 0)}
    summary = robustness_findings.threshold_summary(settled, GRID, metrics=FD)
    assert "range 30%-30%" in summary and "moves it from 30% to at least 75%" in summary


def test_check_claims_reads_the_original_judgements_by_the_stated_rule():
    grid = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
    # Gaussian: scores within x2 throughout, contamination a little above the clean run's
    records = [contaminated(f, 0.02 + (0.005 if f <= 0.2 else 0.05), fd=10 + 10 * f)
               for f in grid]
    # letters: artefacts at 5%, obvious (many letters) from 20%, at 10% not yet
    records += [contaminated(f, c, kind="letters", letters="stand-in")
                for f, c in zip(grid, (0.0, 0.03, 0.05, 0.2, 0.3, 0.5))]
    claims = robustness_findings.check_claims(records, grid)
    verdicts = [(c["kind"], round(c["share"], 3), c["verdicts"]["scores"],
                 c["verdicts"]["contamination"]) for c in claims]
    assert verdicts == [("gaussian", 0.05, "holds", "holds"), ("gaussian", 0.1, "holds", "holds"),
                        ("gaussian", 0.2, "holds", "holds"),
                        ("gaussian", 0.3, "does not hold", "holds"),  # scores: no effect at all
                        ("letters stand-in", 0.032, "does not hold", "not decided by the grid"),
                        ("letters stand-in", 0.143, "does not hold", "not decided by the grid")]
    assert claims[4]["read_at"] == [0.0, 0.05] and claims[5]["read_at"] == [0.1, 0.2]
    reading = claims[3]["readings"][0]
    assert reading["effect"] == "artefacts" and reading["by_scores"] == "harmless"
    assert abs(reading["fd_ratio"] - 1.3) < 1e-9
    # a Fréchet distance beyond twice the clean one is obvious, whatever the contamination
    records[3]["scores"]["frechet_distance"] = 25
    assert robustness_findings.check_claims(records, grid)[2]["verdicts"] == {
        "scores": "does not hold", "contamination": "holds"}
    text = robustness_findings.format_claims(claims)
    assert "is not on the grid: read at 0% and 5%" in text
    assert "(on the letters stand-in, not EMNIST)" in text and "verdict by the scores" in text
    # a curve not there yet gets no verdict
    absent = robustness_findings.check_claims(records[:6], grid)
    assert absent[4]["verdicts"] == {} and absent[4]["missing"] == [0.0, 0.05]
    assert "not in the records yet: 0%, 5% (no verdict)" in robustness_findings.format_claims(absent)


def test_compare_records_pairs_the_same_points():
    live = [contaminated(f, 0.1, fd=30) for f in (0.0, 0.3, 0.75)]
    shipped = [contaminated(f, 0.2, fd=20) for f in (0.0, 0.3)]
    rows = robustness_findings.compare_records(live, shipped, ("frechet_distance",))
    assert [row["fraction"] for row in rows] == [0.0, 0.3]
    assert rows[0]["frechet_distance (live)"] == 30 and rows[0]["frechet_distance (shipped)"] == 20
    standin = [contaminated(0.0, 0.1, kind="letters", letters="stand-in")]
    emnist = [contaminated(0.0, 0.1, kind="letters", letters="emnist")]
    assert robustness_findings.compare_records(standin, emnist) == []  # other letters: no pair


def test_plot_samples_shows_the_stored_samples_that_are_there(tmp_path):
    import numpy as np

    records = [record(f, 0, 10, 0.8) for f in (0.0, 0.1, 0.3)]
    for r in records[:2]:
        r["samples_file"] = f"point_{r['fraction']}.npz"
        np.savez(tmp_path / r["samples_file"], images=np.zeros((100, 28, 28), np.uint8))
    records[2]["samples_file"] = "missing.npz"
    fig = robustness_findings.plot_samples(records, tmp_path, fractions=(0.0, 0.3), n=5)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["gaussian, plain, 0%"]  # 10% is not asked for, 30% has no samples file
    assert robustness_findings.plot_samples(records[2:], tmp_path) is None
    with pytest.raises(ValueError, match="keeps 100 samples"):
        robustness_findings.plot_samples(records, tmp_path, n=101)


def test_threshold_summary_says_when_the_grid_cannot_show_a_shift():
    records = [record(f, 0, 10, 0.8, aware=aware) for f in (0.0, 0.3) for aware in (False, True)]
    summary = robustness_findings.threshold_summary(records, (0.0, 0.3))
    assert "both options pass at the largest share tested" in summary
    assert "moves it from" not in summary


def test_spread_points_bracket_the_threshold_of_every_metric():
    fds = (10, 11, 12, 15, 19, 25, 40)            # Fréchet threshold 30%
    recognisable = (0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.3)  # recognisable threshold 50%
    records = [record(f, 0, fd, r) for f, fd, r in zip(GRID, fds, recognisable)]
    assert [p[2] for p in spread_points(records, GRID, (1,))] == [0.0, 0.3, 0.5, 0.75]


def study(fd_step, copied, grid=(0.0, 0.3, 0.75), clean_score=9.5):
    """A study's records: both training options of the Gaussian kind, seed 0; the Fréchet
    distance grows by ``fd_step`` x share, the contamination is ``copied`` x the share."""
    records = []
    for aware in (False, True):
        for f in grid:
            point = contaminated(f, (0.1 if aware else copied) * f, fd=10 + fd_step * f,
                                 aware=aware)
            point["scores"]["classifier_score"] = clean_score - f
            records.append(point)
    return records


def test_compare_generators_sets_the_studies_side_by_side():
    grid = (0.0, 0.3, 0.75)
    studies = {"vanilla": study(fd_step=40, copied=0.8, clean_score=7.5),
               "dcgan": study(fd_step=10, copied=1.0)}
    rows = robustness_findings.compare_generators(studies, grid)
    assert [(r["training"], r["generator"]) for r in rows] == [
        ("plain", "dcgan"), ("plain", "vanilla"), ("noise-aware", "dcgan"),
        ("noise-aware", "vanilla")]
    plain_dcgan, plain_vanilla = rows[0], rows[1]
    assert plain_vanilla["clean score"] == 7.5 and plain_dcgan["clean score"] == 9.5
    # vanilla: 10 + 40 x 0.3 = 22 > 2 x 10 fails at 30%; dcgan: 17.5 at 75% still passes
    assert plain_vanilla["frechet_distance threshold"] == "0%"
    assert plain_dcgan["frechet_distance threshold"] == "at least 75%"
    seed1 = [{**r, "seed": 1, "scores": {**r["scores"], "frechet_distance": 10 + 40 * r["fraction"]}}
             for r in studies["dcgan"] if not r["noise_aware"]]
    spread = robustness_findings.compare_generators({"dcgan": studies["dcgan"] + seed1}, grid)
    assert spread[0]["frechet_distance threshold"] == "38% (0%-75%)"  # seeds 0 and 1
    running = [r for r in seed1 if r["fraction"] == 0.0]  # seed 1 has its clean run only
    waiting = robustness_findings.compare_generators({"dcgan": studies["dcgan"] + running}, grid)
    assert waiting[0]["frechet_distance threshold"] == "at least 75%"  # seed 0's alone
    assert plain_dcgan["contamination at 30%"] == pytest.approx(0.3)
    assert plain_dcgan["Fréchet at 30%"] == pytest.approx(13.0)
    assert plain_vanilla["Fréchet at 75%"] == pytest.approx(40.0)
    assert plain_vanilla["contamination at 75%"] == pytest.approx(0.6)
    assert rows[2]["contamination at 75%"] == pytest.approx(0.075)
    assert "| dcgan |" in robustness_findings.format_table(rows)
    # a study still running gives no row for its unfinished curves
    running = {"dcgan": [r for r in studies["dcgan"] if r["fraction"] < 0.75]}
    assert robustness_findings.compare_generators(running, grid) == []


def test_compare_claims_gives_each_generator_its_verdicts():
    grid = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
    strong = [contaminated(f, 0.02 + f, fd=10 + 5 * f) for f in grid]
    weak = [contaminated(f, 0.02, fd=10) for f in grid[:3]]  # still running
    rows = robustness_findings.compare_claims({"vanilla": weak, "dcgan": strong}, grid)
    assert len(rows) == len(robustness_findings.ORIGINAL_CLAIMS)
    assert rows[0]["claim"] == "gaussian at 5%: no substantial effect"
    assert rows[0]["vanilla, by scores"] == "holds" == rows[0]["dcgan, by scores"]
    assert rows[0]["vanilla, by contamination"] == "holds"  # no excess over the clean run
    assert rows[0]["dcgan, by contamination"] == "does not hold"  # 5% more contaminated
    assert rows[3]["vanilla, by scores"] == "no verdict yet"  # 30% not in yet


def test_plot_generators_draws_a_panel_per_kind(tmp_path):
    studies = {"vanilla": study(40, 0.8), "dcgan": study(10, 1.0)}
    studies["dcgan"] += [contaminated(f, f, kind="letters", letters="stand-in")
                         for f in (0.0, 0.3)]
    studies["dcgan"].append(contaminated(0.3, 0.25, seed=1))  # a spread point: a cross
    fig = robustness_findings.plot_generators(studies, path=tmp_path / "generators.png")
    assert [ax.get_title() for ax in fig.axes] == ["gaussian", "letters stand-in"]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["vanilla, plain", "vanilla, noise-aware", "dcgan, plain",
                      "dcgan, noise-aware", "at the training share", "other seeds"]
    crosses = [line for line in fig.axes[0].lines if line.get_marker() == "x"]
    assert [list(line.get_xydata()) for line in crosses if len(line.get_xdata())] == [
        [pytest.approx([30.0, 25.0])]]
    assert (tmp_path / "generators.png").stat().st_size > 0


def test_a_spread_seed_counts_once_its_threshold_is_settled():
    grid = (0.0, 0.1, 0.2, 0.3)
    first = [record(f, 0, fd, 0.8) for f, fd in zip(grid, (10, 12, 25, 30))]  # threshold 10%
    keep = lambda records: {(r["seed"], r["fraction"]) for r in robustness_findings.settled_seeds(
        records, grid, "frechet_distance")}
    second = [record(0.0, 1, 10, 0.8), record(0.1, 1, 15, 0.8)]  # passes 10%, 20% not in yet
    assert keep(first + second) == {(0, f) for f in grid}
    second.append(record(0.2, 1, 30, 0.8))  # fails at 20%: its threshold, 10%, is settled
    assert keep(first + second) == {(0, f) for f in grid} | {(1, 0.0), (1, 0.1), (1, 0.2)}
    passing = [record(f, 1, 10, 0.8) for f in (0.0, 0.3)]  # passes the largest share tested
    assert (1, 0.3) in keep(first + passing)
