"""Scores of generated digits: constructed inputs with known answers, then real images."""


import numpy as np
import pytest

from gankit.evaluation import scores as metrics


def one_hot_over(k, n=1000):
    """Confident predictions spread evenly over the first k classes."""
    return np.eye(10)[np.arange(n) % k]


# Classifier score -------------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 2, 10])
def test_classifier_score_of_k_equally_used_confident_classes_is_k(k):
    assert metrics.classifier_score(one_hot_over(k)) == pytest.approx(k)


def test_classifier_score_of_uniform_predictions_is_one():
    assert metrics.classifier_score(np.full((50, 10), 0.1)) == pytest.approx(1.0)


def test_classifier_score_lies_between_one_and_ten():
    probs = np.random.default_rng(0).dirichlet(np.full(10, 0.3), size=500)
    assert 1.0 < metrics.classifier_score(probs) < 10.0


def test_classifier_score_rejects_logits_and_wrong_shapes():
    with pytest.raises(ValueError, match="softmax"):
        metrics.classifier_score(np.random.default_rng(0).normal(size=(5, 10)))
    with pytest.raises(ValueError, match=r"\(N, 10\)"):
        metrics.classifier_score(np.full((5, 9), 1 / 9))


# Fréchet distance -----------------------------------------------------------------------

def test_frechet_distance_of_identical_sets_is_zero():
    feats = np.random.default_rng(0).normal(size=(2000, 16))
    assert metrics.frechet_distance(feats, feats) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_of_shifted_means_is_squared_shift():
    feats = np.random.default_rng(0).normal(size=(2000, 16))
    shift = np.zeros(16)
    shift[:2] = (3.0, 4.0)
    assert metrics.frechet_distance(feats, feats + shift) == pytest.approx(25.0, rel=1e-6)


def test_frechet_distance_handles_singular_covariances():
    feats = np.maximum(np.random.default_rng(0).normal(size=(500, 32)), 0)
    feats[:, :8] = 0  # dead ReLU units: zero variance
    constant = np.ones((100, 32))  # one image repeated: zero covariance
    assert metrics.frechet_distance(feats, feats) == pytest.approx(0.0, abs=1e-6)
    distance = metrics.frechet_distance(constant, feats)
    expected = np.sum((1 - feats.mean(0)) ** 2) + np.trace(np.cov(feats, rowvar=False))
    assert distance == pytest.approx(expected, rel=1e-4)


def test_frechet_distance_rejects_mismatched_or_too_few_features():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="Feature sizes differ"):
        metrics.frechet_distance(rng.normal(size=(10, 4)), rng.normal(size=(10, 5)))
    with pytest.raises(ValueError, match="N >= 2"):
        metrics.frechet_distance(rng.normal(size=(1, 4)), rng.normal(size=(10, 4)))


# Recognisable fraction, coverage, conditional accuracy -----------------------------------

def test_recognisable_fraction_counts_confident_rows():
    probs = np.vstack([one_hot_over(10, 3),                       # 3 confident
                       np.full((1, 10), 0.1),                     # 1 unsure
                       np.r_[0.9, np.full(9, 0.1 / 9)][None]])    # exactly at the threshold
    assert metrics.recognisable_fraction(probs) == pytest.approx(4 / 5)


def test_single_repeated_digit_covers_one_class():
    coverage = metrics.class_coverage(np.full(100, 7))
    assert coverage["covered"] == 1
    assert coverage["counts"][7] == 100
    assert coverage["kl_from_uniform"] == pytest.approx(np.log(10))


def test_even_coverage_from_probabilities():
    coverage = metrics.class_coverage(one_hot_over(10))
    assert coverage["covered"] == 10
    assert coverage["counts"] == [100] * 10
    assert coverage["kl_from_uniform"] == pytest.approx(0.0, abs=1e-12)


def test_classes_below_one_percent_do_not_count_as_covered():
    labels = np.r_[np.zeros(995, int), np.ones(5, int)]
    assert metrics.class_coverage(labels)["covered"] == 1


def test_conditional_accuracy_and_confusion_matrix():
    accuracy, matrix = metrics.conditional_accuracy([1, 2, 3, 3], [1, 2, 3, 4])
    assert accuracy == pytest.approx(0.75)
    assert matrix.shape == (10, 10)
    assert matrix[4, 3] == 1  # asked for a 4, drew a 3
    assert np.trace(matrix) == 3 and matrix.sum() == 4


def test_labels_are_checked():
    with pytest.raises(ValueError, match="0..9"):
        metrics.class_coverage([0, 10])
    with pytest.raises(ValueError, match="one requested label per sample"):
        metrics.conditional_accuracy([1, 2], [1, 2, 3])


# Scores of real images with the shipped evaluator ----------------------------------------

@pytest.fixture(scope="module")
def mnist(shared_data_dir):
    from gankit import data
    root = shared_data_dir
    train = data.load_mnist("train", data_dir=root)
    test = data.load_mnist("test", data_dir=root)
    return train, test


def test_score_images_separates_real_digits_from_collapse_and_noise(mnist):
    (train_images, train_labels), (test_images, _) = mnist
    real_test = test_images[:2000]
    real = metrics.score_images(train_images[:1000], labels=train_labels[:1000],
                                real_test=real_test)
    single = metrics.score_images(np.repeat(train_images[:1], 1000, axis=0), real_test=real_test)
    noise = metrics.score_images(
        np.random.default_rng(0).uniform(-1, 1, (1000, 28, 28, 1)).astype("float32"),
        real_test=real_test)
    assert real["classifier_score"] > 9 and real["covered"] == 10
    assert real["recognisable_fraction"] > 0.95 and real["conditional_accuracy"] > 0.98
    assert np.array(real["confusion_matrix"]).sum() == 1000
    assert single["covered"] == 1 and single["classifier_score"] == pytest.approx(1.0, abs=1e-3)
    assert noise["recognisable_fraction"] < real["recognisable_fraction"]
    assert real["frechet_distance"] < single["frechet_distance"]
    assert real["frechet_distance"] < noise["frechet_distance"]


def test_reference_scores_order_ceiling_above_floors():
    rows = metrics.reference_scores()
    real, noise, single = rows["real_train"], rows["uniform_noise"], rows["single_digit"]
    assert real["classifier_score"] > 9.5 and real["covered"] == 10
    assert single["covered"] == 1 and single["classifier_score"] < 1.01
    assert real["frechet_distance"] < min(noise["frechet_distance"], single["frechet_distance"])
    assert all(row["n"] == 10_000 and row["description"] for row in rows.values())

