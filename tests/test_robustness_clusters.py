"""benchmarks/robustness_clusters.py: how k-means splits a corrupted training set."""

import numpy as np
import pytest

from benchmark_modules import load


@pytest.fixture(scope="module")
def bench():
    return load("robustness_clusters")


def two_kinds(n_clean=120, n_corrupted=60, seed=0):
    """Dark images with a bright bar (clean) and uniform noise (corrupted), model range."""
    rng = np.random.default_rng(seed)
    clean = np.full((n_clean, 28, 28, 1), -1.0, "float32")
    for i, image in enumerate(clean):
        image[4:24, 10 + i % 8:14 + i % 8] = 1.0
    noisy = rng.uniform(-1, 1, (n_corrupted, 28, 28, 1)).astype("float32")
    mask = np.r_[np.zeros(n_clean, bool), np.ones(n_corrupted, bool)]
    return np.concatenate([clean, noisy]), mask


def test_corrupted_images_with_clusters_of_their_own_are_counted(bench):
    images, mask = two_kinds()
    shares = bench.cluster_shares(images, mask, k=6)
    assert shares["train_share"] == round(60 / 180, 4)
    assert shares["clusters_mostly_corrupted"] >= 1
    assert shares["corrupted_share_in_them"] == 1.0 and shares["purity_against_mask"] == 1.0


def test_a_clean_training_set_has_no_corrupted_cluster(bench):
    images, mask = two_kinds()
    clean, none = images[~mask], mask[~mask]
    shares = bench.cluster_shares(clean, none, k=6)
    assert shares["clusters_mostly_corrupted"] == 0 and shares["corrupted_share_in_them"] == 0.0
    assert shares["largest_corrupted_share_of_a_cluster"] == 0.0


def test_rows_print_as_a_table(bench):
    analysis = {"k": 100, "clusters_mostly_corrupted": 31, "corrupted_share_in_them": 0.95}
    rows = [{"kind": "letters", "fraction": 0.3, "seed": 0, "clusters": c,
             "classifier_score": 9.1, "frechet_distance": 12.0, "recognisable_fraction": 0.7,
             "contamination": 0.29, "train_share": 0.3, "training_set": analysis}
            for c in (100, None)]
    table = bench.format_table(rows).splitlines()
    assert len(table) == 4 and "| 100 |" in table[2] and "| none |" in table[3]
    assert "31 of 100, 95% of the corrupted" in table[2]
