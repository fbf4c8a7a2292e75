"""Reading a robustness sweep: tables, curves and the threshold rule, on constructed records."""

import pytest

from gankit.studies import robustness_report


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
    results = {t["kind"]: t for t in robustness_report.threshold(records)}
    gaussian = results["gaussian"]
    # seed 0: 25 > 2 x 10 at 20%, so 30% does not count although it passes again
    assert gaussian["per_seed"] == {0: 0.1, 1: 0.0}
    assert gaussian["min"] == 0.0 and gaussian["max"] == 0.1 and gaussian["mean"] == 0.05
    standin = results["letters stand-in"]  # never called EMNIST
    assert standin["mean"] == 0.3 == standin["largest_tested"]
    higher = {t["kind"]: t for t in robustness_report.threshold(records, "recognisable_fraction")}
    assert higher["gaussian"]["per_seed"] == {0: 0.1, 1: 0.1}  # 0.3 < 0.8 / 2 fails
    text = robustness_report.format_thresholds(robustness_report.threshold(records))
    assert "at least" in text and "letters stand-in" in text and "EMNIST" not in text


def test_the_stand_in_label_reaches_tables_and_figures():
    records = [record(f, 0, 5, 0.9, kind="letters", letters="stand-in") for f in (0.0, 0.3)]
    records += [record(f, 0, 5, 0.9, kind="letters", letters="emnist") for f in (0.0, 0.3)]
    kinds = {row["kind"] for row in robustness_report.table(records, columns=("frechet_distance",))}
    assert kinds == {"letters stand-in", "EMNIST letters"}
    fig = robustness_report.plot_curves(records, ("frechet_distance",), ncols=1)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "letters stand-in, plain" in legend and "EMNIST letters, plain" in legend


def test_threshold_refuses_what_it_cannot_read():
    records = [record(0.1, 0, 10, 0.8), record(0.2, 0, 10, 0.8)]
    with pytest.raises(ValueError, match="fraction 0"):
        robustness_report.threshold(records)
    with pytest.raises(ValueError, match="factor >= 1"):
        robustness_report.threshold(records, tolerance=0.5)
    with pytest.raises(ValueError, match="quality scores"):
        robustness_report.threshold(records, metric="contamination")


def test_table_and_curves():
    records = [record(0.0, 0, 10, 0.8), record(0.0, 1, 14, 0.8), record(0.3, 0, 20, 0.5)]
    rows = robustness_report.table(records, columns=("frechet_distance", "contamination"))
    assert rows[0] == {"kind": "gaussian", "noise_aware": False, "fraction": 0.0, "seed": 0,
                       "frechet_distance": 10, "contamination": 0.0}
    assert len(robustness_report.format_table(rows).splitlines()) == 2 + len(rows)
    fractions, mean, low, high = robustness_report.curves(records, "frechet_distance")[
        ("gaussian", False)]
    assert fractions.tolist() == [0.0, 0.3] and mean.tolist() == [12, 20]
    assert low.tolist() == [10, 20] and high.tolist() == [14, 20]


def test_records_of_two_settings_are_not_mixed():
    records = [record(0.0, 0, 10, 0.8), record(0.0, 0, 12, 0.8)]
    with pytest.raises(ValueError, match="different settings"):
        robustness_report.threshold(records)


def test_plot_curves_draws_one_panel_per_metric(tmp_path):
    records = [record(f, 0, 10 + 20 * f, 0.8 - f) for f in (0.0, 0.1, 0.3)]
    records += [record(f, 0, 12, 0.8, aware=True) for f in (0.0, 0.3)]
    fig = robustness_report.plot_curves(records, ("frechet_distance", "contamination",
                                                  "noise_level"), ncols=2,
                                        path=tmp_path / "curves.png")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 4 and [ax.get_title() for ax in visible] == [
        "frechet distance", "contamination (flagged share)", "mean noise level / std"]
    assert len(visible[0].get_lines()) == 2  # plain and noise-aware
    assert len(visible[1].get_lines()) == 3  # both, and the "as trained" diagonal
    assert len(visible[2].get_lines()) == 1  # no noise levels recorded: the diagonal alone
    assert (tmp_path / "curves.png").stat().st_size > 0


GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75)


def test_spread_points_bracket_the_first_seeds_threshold():
    fds = dict(zip(GRID, (10, 11, 12, 15, 19, 25, 40)))  # passes up to 30%, fails at 50%
    records = [record(f, 0, fd, 0.8) for f, fd in fds.items()]
    assert robustness_report.spread_points(records, GRID, (1,)) == [
        ("gaussian", False, 0.0, 1), ("gaussian", False, 0.3, 1), ("gaussian", False, 0.5, 1)]
    # the second seed agrees: nothing more to run
    records += [record(f, 1, fds[f], 0.8) for f in (0.0, 0.3, 0.5)]
    assert robustness_report.spread_points(records, GRID, (1,)) == []
    # a curve whose first seed is still running is not planned yet
    assert robustness_report.spread_points(records[:-4], GRID, (1,)) == []


def test_spread_points_follow_a_second_seed_whose_threshold_lies_lower():
    records = [record(f, 0, fd, 0.8) for f, fd in zip(GRID, (10, 11, 12, 15, 19, 25, 40))]
    records += [record(0.0, 1, 10, 0.8), record(0.3, 1, 30, 0.8), record(0.5, 1, 40, 0.8)]
    # seed 1 fails at 30%: its threshold reads 0 until the fractions below are run
    assert robustness_report.spread_points(records, GRID, (1,)) == [("gaussian", False, 0.05, 1)]
    records.append(record(0.05, 1, 12, 0.8))
    assert robustness_report.spread_points(records, GRID, (1,)) == [("gaussian", False, 0.1, 1)]
    records.append(record(0.1, 1, 25, 0.8))  # fails: seed 1's threshold is 5%, bracketed
    assert robustness_report.spread_points(records, GRID, (1,)) == []
    assert robustness_report.threshold(records)[0]["per_seed"] == {0: 0.3, 1: 0.05}


def test_spread_points_at_the_ends_of_the_grid():
    passing = [record(f, 0, 10, 0.8) for f in GRID]  # never fails: the last two fractions
    assert [p[2] for p in robustness_report.spread_points(passing, GRID, (1,))] == [0.0, 0.5, 0.75]
    failing = [record(f, 0, 10 if f == 0 else 50, 0.8) for f in GRID]  # fails at once
    assert [p[2] for p in robustness_report.spread_points(failing, GRID, (1,))] == [0.0, 0.05]
