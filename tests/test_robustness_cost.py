"""benchmarks/robustness_cost.py: a point is priced at its own steps and kind of step."""

import pytest

from benchmark_modules import load
from gankit import config


@pytest.fixture(scope="module")
def cost():
    return load("robustness_cost")


def record(kind, aware, n_kept=None, epochs=10, seconds=100.0):
    r = {"kind": kind, "noise_aware": aware, "fraction": 0.3, "seed": 0, "n_images": 60_000,
         "settings": {"epochs": epochs, "batch_size": 64, "letters": "stand-in"},
         "train_seconds": seconds}
    if n_kept is not None:
        r["cleaning"] = {"n_kept": n_kept}
    return r


def test_points_are_priced_by_steps_and_by_the_ambient_layer(cost):
    per_step = {"plain": 0.01, "ambient": 0.03}
    rows = cost.price([record("gaussian", False), record("gaussian", True),
                       record("letters", True, n_kept=6_400), record("letters", False, epochs=2)],
                      per_step)
    assert [r["steps"] for r in rows] == [9380, 9380, 1000, 1876]  # ceil(60,000 / 64) = 938
    assert [r["priced_seconds"] for r in rows] == [93.8, 281.4, 10.0, 18.8]
    assert all(r["recorded_seconds"] == 100.0 for r in rows)


def test_step_timing_runs_the_study_gan(cost):
    seconds = cost.time_steps(None, config.settings("quick").robustness, steps=2)
    assert seconds > 0


def test_a_shared_clean_run_is_priced_once(cost):
    per_step = {"plain": 0.01, "ambient": 0.03}
    shared = [{**record(kind, aware), "fraction": 0.0, "clean_run": "clean_s0_x"}
              for kind, aware in (("gaussian", False), ("gaussian", True), ("letters", False))]
    rows = cost.price(shared + [record("gaussian", False)], per_step)
    assert [r["steps"] for r in rows] == [9380, 0, 0, 9380]
    assert [r["priced_seconds"] for r in rows] == [93.8, 0.0, 0.0, 93.8]


def test_a_plan_is_priced_at_the_new_sizes_with_one_clean_run_per_seed(cost):
    per_step = {"plain": 0.01, "ambient": 0.03}
    clean = [{**record(kind, aware), "fraction": 0.0}
             for kind, aware in (("gaussian", False), ("gaussian", True), ("letters", False))]
    cleaned = {**record("letters", True, n_kept=6_400), "fraction": 0.0}
    sizes = config.settings("full").robustness_dcgan
    rows = cost.price(clean + [cleaned, record("gaussian", True)], per_step, sizes)
    steps = sizes.epochs * 938
    assert [r["steps"] for r in rows] == [steps, 0, 0, sizes.epochs * 100, steps]
    assert rows[-1]["priced_seconds"] == round(steps * 0.03, 1)  # the layer corrupts at 30%
