"""The shipped robustness studies (the vanilla GAN's, the DCGAN's): labelled, their reports what
the code computes, each complete with its spread points, the DCGAN's clean runs as good as the
issue asks."""

import pytest

from benchmark_modules import load
from gankit import config, results
from gankit.studies import robustness, robustness_findings

FULL = config.settings("full")
FOLDERS = {generator: results.path(name) for generator, name in robustness.STUDIES.items()}
SIZES = {generator: getattr(FULL, name) for generator, name in robustness.STUDIES.items()}


@pytest.fixture(scope="module")
def benchmark():
    return load("robustness")


@pytest.fixture(scope="module", params=sorted(FOLDERS))
def study(request):
    generator = request.param
    return generator, robustness.load_results(FOLDERS[generator])


def test_every_curve_is_complete_with_its_spread_points(study, benchmark):
    generator, shipped = study
    sizes = SIZES[generator]
    status = robustness_findings.study_status(shipped, sizes.fractions)
    assert len(status) == 4
    for curve in status.values():
        assert curve["complete"], curve["name"]
        assert curve["spread"], f"{curve['name']}: no second seed"
        assert all(len(fractions) >= 3 for fractions in curve["spread"].values())
    assert benchmark.spread_points(shipped, sizes.fractions, sizes.spread_seeds) == [], (
        "every spread point the rule plans has a record")


def test_records_are_finished_with_samples_and_stand_in_letters_say_so(study):
    generator, shipped = study
    assert shipped, f"no records in {FOLDERS[generator]}"
    for record in shipped:
        assert record["finished"] and (FOLDERS[generator] / record["samples_file"]).is_file()
        assert record["settings"]["model"] == SIZES[generator].model
        if record["kind"] == "letters" and "standin" in record.get("letters_source", ""):
            assert record["settings"]["letters"] == "stand-in"
            assert robustness_findings.label(record) == "letters stand-in"


def test_the_shipped_report_is_the_one_the_records_give(study, benchmark):
    generator, shipped = study
    folder = FOLDERS[generator]
    text = benchmark.report(shipped, SIZES[generator])
    assert (folder / "report.txt").read_text() == text + "\n", (
        f"report.txt is out of date: GANKIT_SETTING=full python benchmarks/robustness.py "
        f"--generator {generator} --report")
    assert "letters stand-in" in text and "EMNIST letters" not in text
    for figure in ("curves.png", "contamination.png", "samples.png"):
        assert (folder / figure).stat().st_size > 10_000


def test_the_dcgan_study_sets_itself_beside_the_vanilla_one(benchmark):
    studies = {g: robustness.load_results(FOLDERS[g]) for g in ("vanilla", "dcgan")}
    text = benchmark.comparison(studies, SIZES["dcgan"])
    assert (FOLDERS["dcgan"] / "comparison.txt").read_text() == text + "\n", (
        "comparison.txt is out of date: GANKIT_SETTING=full python benchmarks/robustness.py "
        "--generator dcgan --report")
    assert (FOLDERS["dcgan"] / "generators.png").stat().st_size > 10_000


def test_the_dcgan_clean_runs_are_strong_and_shared_where_they_train_alike():
    clean = [r for r in robustness.load_results(FOLDERS["dcgan"]) if r["fraction"] == 0]
    assert clean, "no clean run of the DCGAN study yet"
    for r in clean:  # the bar for a generator worth studying (10,000 samples)
        assert r["settings"]["n_samples"] == 10_000
        assert r["scores"]["classifier_score"] >= 9.0, robustness.describe_point(r)
        assert r["scores"]["recognisable_fraction"] >= 0.90, robustness.describe_point(r)
    runs = {}
    for r in clean:
        if "cleaning" in r:
            assert "clean_run" not in r  # cleaning changed its digits: a run of its own
        else:
            runs.setdefault(r["clean_run"], []).append(r)
    for shared in runs.values():
        assert all(r["scores"] == shared[0]["scores"] for r in shared)
        assert all(r["train_seconds"] == shared[0]["train_seconds"] for r in shared)
