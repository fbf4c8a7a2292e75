"""The generator's moving average (recipe option ``ema_momentum``) through ``training.train``."""

import numpy as np
import pytest
import keras

from gankit import callbacks, checkpoint, recipes, training
from gankit.data import to_uint8
from gankit.gan import GAN
from tiny import data, tiny_gan


def tiny_ema_gan(momentum=0.5, seed=0):
    gan = tiny_gan(seed=seed)
    pair = GAN(gan.generator, gan.discriminator, seed=seed)
    pair.compile(keras.optimizers.Adam(1e-3, beta_1=0.5),
                 keras.optimizers.Adam(1e-3, beta_1=0.5, use_ema=momentum is not None,
                                       ema_momentum=momentum or 0.99))
    return pair


def generator_weights(gan):
    return [np.array(w) for w in gan.generator.get_weights()]


def saved_generator_weights(run_dir, momentum):
    """The generator weights the run's checkpoint holds, loaded into a fresh GAN."""
    fresh = tiny_ema_gan(momentum, seed=1)
    checkpoint.load_into(fresh, checkpoint.load(run_dir / "checkpoint"))
    return generator_weights(fresh)


@pytest.mark.parametrize("momentum", [None, 0.5])
def test_trained_generator_is_the_average_and_checkpoint_keeps_the_trained_weights(tmp_path,
                                                                                 momentum):
    x, _ = data()
    keras.utils.set_random_seed(0)
    gan = tiny_ema_gan(momentum)
    _, grid, _ = training.train(gan, x, epochs=2, batch_size=16, out_dir=tmp_path / "run",
                                show=False, verbose=0)
    after = generator_weights(gan)
    saved = saved_generator_weights(tmp_path / "run", momentum)
    same = all(np.allclose(a, b) for a, b in zip(after, saved))
    # Without an average, fit ends with the trained weights; with one, with the average.
    assert same is (momentum is None)
    # The last grid shows the generator that fit leaves behind.
    np.testing.assert_array_equal(grid.snapshots[-1][1],
                                  to_uint8(gan.generate(grid.n, seed=grid.seed)))
    # Rerunning the finished run trains nothing and gives the same generator.
    again = tiny_ema_gan(momentum, seed=2)
    training.train(again, x, epochs=2, batch_size=16, out_dir=tmp_path / "run", show=False,
                   verbose=0)
    for a, b in zip(after, generator_weights(again)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_an_interrupted_averaged_run_resumes_like_a_straight_one(tmp_path):
    # TensorFlow shuffles with its own generator (see test_gan): compare unshuffled batches.
    x, _ = data()

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                raise KeyboardInterrupt("simulated disconnect")

    def fit(gan, out, extra=()):
        return gan.fit(x, batch_size=16, epochs=3, shuffle=False, verbose=0,
                       callbacks=[callbacks.Checkpoint(out), callbacks.GeneratorAverage(n=64),
                                  *extra])

    keras.utils.set_random_seed(0)
    straight = tiny_ema_gan()
    fit(straight, tmp_path / "straight")
    keras.utils.set_random_seed(0)
    with pytest.raises(KeyboardInterrupt):
        fit(tiny_ema_gan(), tmp_path / "run", extra=[Interrupt()])
    keras.utils.set_random_seed(5)
    resumed = tiny_ema_gan(seed=5)
    fit(resumed, tmp_path / "run")
    # The trained weights are put back by copy, so the resume is exact (as in tests/test_gan.py).
    for a, b in zip(generator_weights(straight), generator_weights(resumed)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_the_average_gets_batch_norm_statistics_of_its_own(tmp_path):
    x, _ = data()
    keras.utils.set_random_seed(0)
    gan = tiny_ema_gan()
    training.train(gan, x, epochs=2, batch_size=16, out_dir=tmp_path / "run", show=False,
                   verbose=0)
    norm = next(layer for layer in gan.generator.layers
                if isinstance(layer, keras.layers.BatchNormalization))
    # What the averaged generator feeds that layer on the callback's latent vectors.
    feed = keras.Model(gan.generator.inputs, norm.input)
    z = np.random.default_rng(0).standard_normal((2048, gan.latent_dim)).astype("float32")
    features = keras.ops.convert_to_numpy(feed([z]))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(norm.moving_mean),
                               features.mean(axis=0), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(norm.moving_variance),
                               features.var(axis=0), rtol=1e-3, atol=1e-5)
    assert norm.momentum == 0.99  # put back after the one call
    # The checkpoint keeps the trained weights' statistics.
    trained = tiny_ema_gan(seed=1)
    checkpoint.load_into(trained, checkpoint.load(tmp_path / "run" / "checkpoint"))
    saved = next(layer for layer in trained.generator.layers
                 if isinstance(layer, keras.layers.BatchNormalization))
    assert not np.allclose(keras.ops.convert_to_numpy(saved.moving_mean),
                           features.mean(axis=0), atol=1e-3)


def test_recipe_option_sets_the_generator_average_only():
    gan = recipes.make_gan("vanilla", ema_momentum=0.999)
    assert gan.g_optimizer.use_ema and gan.g_optimizer.ema_momentum == 0.999
    assert not gan.d_optimizer.use_ema
    assert not recipes.make_gan("vanilla").g_optimizer.use_ema


@pytest.mark.parametrize("momentum", [0, 1, 1.5, -0.1])
def test_recipe_refuses_a_momentum_outside_zero_one(momentum):
    with pytest.raises(ValueError, match="ema_momentum must lie strictly between 0 and 1"):
        recipes.make_gan("vanilla", ema_momentum=momentum)


def test_average_callbacks_only_for_an_averaged_generator():
    assert training.average_callbacks(tiny_ema_gan(None)) == []
    kinds = [type(c) for c in training.average_callbacks(tiny_ema_gan(0.5))]
    assert kinds == [callbacks.GeneratorAverage]
