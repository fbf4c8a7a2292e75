"""Class-conditional GANs (notebook 03): labels in, the requested digits out, on this backend.

Run once per backend, e.g. ``KERAS_BACKEND=jax python -m pytest tests/test_conditional.py``.
"""

import numpy as np
import pytest
import keras

from gankit import models, recipes
from gankit.studies import augmentation as augmentation_study
from gankit.gan import GAN
from tiny import data, tiny_gan


def tiny_conditional_gan(seed=0):
    return tiny_gan(conditional=True, seed=seed, kind="dcgan")


def labelled_batch(n=16, seed=0):
    return data(n, seed)


def test_one_image_per_requested_label_in_the_requested_order():
    keras.utils.set_random_seed(0)
    gan = tiny_conditional_gan()
    labels = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])
    z = np.random.default_rng(1).standard_normal((len(labels), gan.latent_dim))
    images = gan.generate(z=z, labels=labels)
    assert images.shape == (len(labels), 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    # Image i is the generator's answer to (z_i, label_i), whatever else is in the batch.
    for i in (0, 5, 10):
        alone = gan.generate(z=z[i:i + 1], labels=labels[i:i + 1])
        np.testing.assert_allclose(alone[0], images[i], atol=1e-5)
    # The label matters: the same z with another digit gives another image.
    other = gan.generate(z=z, labels=(labels + 1) % 10)
    assert not np.allclose(other, images, atol=1e-4)
    # Batching inside generate keeps count and order.
    chunked = gan.generate(z=z, labels=labels, batch_size=4)
    np.testing.assert_allclose(chunked, images, atol=1e-5)


def test_default_labels_are_balanced_and_in_order():
    keras.utils.set_random_seed(0)
    gan = tiny_conditional_gan()
    n = 25
    default = gan.generate(n, seed=3)
    assert default.shape == (n, 28, 28, 1)
    balanced = gan.generate(n, seed=3, labels=np.arange(n) % 10)
    np.testing.assert_allclose(default, balanced, atol=1e-6)
    assert not np.allclose(default, gan.generate(n, seed=3, labels=np.zeros(n, int)), atol=1e-4)
    # the labels that scores and sample files ask for are those same balanced ones
    labels = gan.class_labels(n)
    assert labels.dtype == np.uint8 and labels.tolist() == [i % 10 for i in range(n)]
    np.testing.assert_allclose(gan.generate(n, seed=3, labels=labels), default, atol=1e-6)
    assert tiny_gan(kind="dcgan").class_labels(n) is None


def test_conditional_training_steps_update_the_label_embeddings():
    keras.utils.set_random_seed(0)
    gan = tiny_conditional_gan()
    g_embedding = gan.generator.get_layer("label_embedding")
    d_embedding = gan.discriminator.get_layer("label_embedding")
    before = g_embedding.get_weights(), d_embedding.get_weights()
    images, labels = labelled_batch(16)
    history = gan.fit(images, labels, batch_size=8, epochs=1, verbose=0)
    for key in ("d_loss", "g_loss", "d_real", "d_fake"):
        assert np.isfinite(history.history[key][0])
    assert int(keras.ops.convert_to_numpy(gan.d_optimizer.iterations)) == 2
    assert int(keras.ops.convert_to_numpy(gan.g_optimizer.iterations)) == 2
    # The labels reach both networks: both embeddings were trained.
    for old, layer in zip(before, (g_embedding, d_embedding)):
        assert not np.array_equal(old[0], layer.get_weights()[0]), layer.name


def test_ccgan_recipe_is_conditional_on_both_sides():
    gan = recipes.make_gan("ccgan")
    assert gan.conditional and gan.num_classes == 10
    assert [tuple(t.shape) for t in gan.generator.inputs] == [(None, 100), (None,)]
    assert gan.generator.get_layer("z_and_label").output.shape == (None, 150)
    # The discriminator projects its features onto the label's embedding.
    assert gan.discriminator.get_layer("label_embedding").output.shape == (None, 7 * 7 * 128)
    assert gan.discriminator.get_layer("label_projection").output.shape == (None, 1)


@pytest.mark.parametrize("builder", [models.build_vanilla_discriminator,
                                     models.build_dcgan_discriminator])
def test_projection_logit_is_unconditional_part_plus_label_term(builder):
    """D(x, y) = dense(phi(x)) + <e_y, phi(x)>: only the second term depends on the label."""
    keras.utils.set_random_seed(0)
    discriminator = builder(num_classes=10)
    images, _ = labelled_batch(4)
    features_model = keras.Model(discriminator.inputs,
                                 discriminator.get_layer("label_projection").input[1])
    embedding = discriminator.get_layer("label_embedding").get_weights()[0]
    dense = discriminator.get_layer("unconditional_logit")
    for label in (0, 7):
        y = np.full(4, label)
        phi = keras.ops.convert_to_numpy(features_model([images, y], training=False))
        expected = keras.ops.convert_to_numpy(dense(phi))[:, 0] + phi @ embedding[label]
        logits = keras.ops.convert_to_numpy(discriminator([images, y], training=False))[:, 0]
        np.testing.assert_allclose(logits, expected, rtol=1e-4, atol=1e-4)
    a, b = (discriminator([images, np.full(4, k)], training=False) for k in (0, 7))
    assert not np.allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_channel_conditioning_adds_a_label_plane():
    gan = recipes.make_gan("ccgan", conditioning="channel")
    assert gan.discriminator.get_layer("image_and_label").output.shape == (None, 28, 28, 2)
    images, labels = labelled_batch(8)
    history = gan.fit(images, labels, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])


def test_unknown_conditioning_is_refused():
    with pytest.raises(ValueError, match=r"conditioning must be one of \('projection', 'channel'\)"):
        models.build_dcgan_discriminator(num_classes=10, conditioning="concat")


@pytest.mark.parametrize("labels", [[0, 1, 10], [-1, 0, 1], [0, 1], [[0], [1], [2]]],
                         ids=["ten", "negative", "too-few", "2-d"])
def test_generate_rejects_bad_labels(labels):
    gan = tiny_conditional_gan()
    with pytest.raises(ValueError, match=r"labels .*(0\.\.9|one label per image)"):
        gan.generate(3, labels=labels, seed=0)


def test_fit_without_labels_says_what_to_pass():
    gan = tiny_conditional_gan()
    images, _ = labelled_batch(8)
    with pytest.raises(ValueError, match=r"fit\(images, labels\)"):
        gan.fit(images, batch_size=8, epochs=1, verbose=0)


def test_fit_rejects_labels_outside_0_to_9():
    gan = tiny_conditional_gan()
    images, labels = labelled_batch(8)
    labels[3] = 12
    with pytest.raises(ValueError, match=r"0\.\.9"):
        gan.fit(images, labels, batch_size=8, epochs=1, verbose=0)


def random_digits(n, seed):
    """Random uint8 "digits" with balanced labels: enough to exercise the study's plumbing."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), np.arange(n) % 10


def test_augmentation_study_returns_one_record_per_configuration(tmp_path):
    keras.utils.set_random_seed(0)
    gan = tiny_conditional_gan()
    real_images, real_labels = random_digits(120, seed=1)
    test_images, test_labels = random_digits(30, seed=2)
    records = augmentation_study.augmentation_study(
        gan, real_images, real_labels, test_images, test_labels, total=40,
        real_fractions=(0.5, 1.0), small_real=20, seeds=(3,), epochs=1)
    got = [(r["setting"], r["n_real"], r["n_generated"]) for r in records]
    assert got == [("mixed", 20, 20), ("mixed", 40, 0), ("generated_only", 0, 40),
                   ("small_real", 20, 0), ("topped_up", 20, 20)]
    for r in records:
        assert r["seed"] == 3 and r["epochs"] == 1
        assert 0.0 <= r["test_accuracy"] <= 1.0
        assert r["real_fraction"] == r["n_real"] / (r["n_real"] + r["n_generated"])
    table = augmentation_study.format_study_table(records).splitlines()
    assert len(table) == 2 + len(records) and "20 real + 20 generated" in table[-1]
    augmentation_study.plot_study(records, path=tmp_path / "study.png")
    assert (tmp_path / "study.png").stat().st_size > 0


def test_augmentation_study_trains_one_classifier_per_distinct_set(monkeypatch):
    """With small_real / total equal to a real share, "topped up" is the "mixed" set again."""
    from gankit.evaluation import classifier as evaluator
    calls = []
    train = evaluator.train_classifier
    monkeypatch.setattr(evaluator, "train_classifier",
                        lambda images, *a, **k: calls.append(len(images)) or train(images, *a, **k))
    keras.utils.set_random_seed(0)
    real_images, real_labels = random_digits(120, seed=1)
    test_images, test_labels = random_digits(30, seed=2)
    records = augmentation_study.augmentation_study(
        tiny_conditional_gan(), real_images, real_labels, test_images, test_labels, total=40,
        real_fractions=(0.5, 1.0), small_real=20, seeds=(3,), epochs=1)
    by_setting = {(r["setting"], r["n_real"]): r["test_accuracy"] for r in records}
    assert by_setting[("topped_up", 20)] == by_setting[("mixed", 20)]
    # mixed 50%, mixed 100%, generated only, small real; not topped up a second time.
    assert calls == [40, 40, 40, 20]


@pytest.mark.parametrize("change, message", [
    ({"real_fractions": (0.1, 20)}, r"shares in \[0, 1\]"),
    ({"small_real": 40}, "small_real=40"),
    ({"seeds": ()}, "seeds is empty"),
    ({"total": 5}, "total >= 10"),
    ({"generator": lambda labels, seed: np.zeros((3, 28, 28), "uint8")}, "one image per label"),
    ({"real_labels": np.arange(120) % 11}, "0..9"),
])
def test_augmentation_study_rejects_bad_arguments(change, message):
    real_images, real_labels = random_digits(120, seed=1)
    test_images, test_labels = random_digits(30, seed=2)
    arguments = dict(generator=tiny_conditional_gan(), real_images=real_images,
                     real_labels=real_labels, test_images=test_images, test_labels=test_labels,
                     total=40, small_real=20, epochs=1)
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        augmentation_study.augmentation_study(**arguments)


def test_augmentation_study_needs_a_conditional_generator():
    generator = models.build_dcgan_generator(latent_dim=8, filters=(8, 8, 4))
    discriminator = models.build_dcgan_discriminator(filters=(4, 8))
    images, labels = random_digits(20, seed=0)
    with pytest.raises(ValueError, match="conditional GAN"):
        augmentation_study.augmentation_study(GAN(generator, discriminator), images, labels,
                                              images, labels, total=10)
