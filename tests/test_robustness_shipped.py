"""The shipped robustness study: complete, labelled, and its report is what the code computes."""

import pytest

from benchmark_modules import load
from gankit import config, results
from gankit.studies import robustness, robustness_findings

FOLDER = results.path("robustness")
FULL = config.settings("full").robustness


@pytest.fixture(scope="module")
def shipped():
    return robustness.load_results(FOLDER)


def test_every_curve_is_complete_with_its_spread_points(shipped):
    status = robustness_findings.study_status(shipped, FULL.fractions)
    assert len(status) == 4
    for curve in status.values():
        assert curve["complete"], curve["name"]
        assert curve["spread"], f"{curve['name']}: no second seed"
        assert all(len(fractions) >= 3 for fractions in curve["spread"].values())
    assert load("robustness").spread_points(shipped, FULL.fractions, FULL.spread_seeds) == [], (
        "every spread point the rule plans has a record")


def test_records_are_finished_with_samples_and_stand_in_letters_say_so(shipped):
    for record in shipped:
        assert record["finished"] and (FOLDER / record["samples_file"]).is_file()
        if record["kind"] == "letters" and "standin" in record.get("letters_source", ""):
            assert record["settings"]["letters"] == "stand-in"
            assert robustness_findings.label(record) == "letters stand-in"


def test_the_shipped_report_is_the_one_the_records_give(shipped):
    text = load("robustness").report(shipped, FULL)
    assert (FOLDER / "report.txt").read_text() == text + "\n", (
        "report.txt is out of date: GANKIT_SETTING=full python benchmarks/robustness.py --report")
    assert "letters stand-in" in text and "EMNIST letters" not in text
    for figure in ("curves.png", "contamination.png", "samples.png"):
        assert (FOLDER / figure).stat().st_size > 10_000
