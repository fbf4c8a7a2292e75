"""The GAN trainer on the current Keras backend (run the suite once per backend)."""

import json

import numpy as np
import pytest
import keras

from gankit import callbacks, models
from gankit.backend import losses
from gankit.checkpoint import CheckpointError
from gankit.checks import TrainingDiverged
from gankit.gan import GAN
from tiny import data, tiny_gan


def weights(model):
    return [keras.ops.convert_to_numpy(v).copy() for v in model.weights]


def iterations(optimizer):
    return int(keras.ops.convert_to_numpy(optimizer.iterations))


@pytest.mark.parametrize("kind", ["vanilla", "dcgan"])
def test_training_steps_update_both_networks_and_optimizers(kind):
    keras.utils.set_random_seed(0)
    gan = tiny_gan(kind=kind)
    g_before, d_before = weights(gan.generator), weights(gan.discriminator)
    x, _ = data()
    history = gan.fit(x, batch_size=16, epochs=2, verbose=0)
    for key in ("d_loss", "g_loss", "d_real", "d_fake"):
        assert len(history.history[key]) == 2
        assert np.all(np.isfinite(history.history[key]))
    assert all(0 <= v <= 1 for v in history.history["d_real"] + history.history["d_fake"])
    changed = lambda before, after: any(not np.array_equal(b, a) for b, a in zip(before, after))
    assert changed(g_before, weights(gan.generator))
    assert changed(d_before, weights(gan.discriminator))
    assert iterations(gan.d_optimizer) == 8 and iterations(gan.g_optimizer) == 8


def test_same_seed_same_weights():
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(3)
        gan = tiny_gan(seed=3)
        gan.fit(data()[0], batch_size=16, epochs=2, verbose=0)
        runs.append(weights(gan))
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_different_seed_different_weights():
    runs = []
    for seed in (1, 2):
        keras.utils.set_random_seed(seed)
        gan = tiny_gan(seed=seed)
        gan.fit(data()[0], batch_size=16, epochs=1, verbose=0)
        runs.append(weights(gan.generator))
    assert any(not np.array_equal(a, b) for a, b in zip(*runs))


class Interrupt(keras.callbacks.Callback):
    def __init__(self, after_epoch):
        super().__init__()
        self.after_epoch = after_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.after_epoch:
            raise KeyboardInterrupt("simulated disconnect")


def test_interrupted_fit_resumes_like_an_uninterrupted_one(tmp_path):
    # Batch order after a resume is exact on JAX and PyTorch; TensorFlow shuffles with its own
    # generator, so compare unshuffled there.
    shuffle = keras.backend.backend() != "tensorflow"
    x, _ = data()
    keras.utils.set_random_seed(0)
    straight = tiny_gan()
    straight.fit(x, batch_size=16, epochs=4, shuffle=shuffle, verbose=0,
                 callbacks=[callbacks.Checkpoint(tmp_path / "straight")])

    keras.utils.set_random_seed(0)
    interrupted = tiny_gan()
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(x, batch_size=16, epochs=4, shuffle=shuffle, verbose=0,
                        callbacks=[callbacks.Checkpoint(tmp_path / "run"), Interrupt(2)])
    meta = json.loads((tmp_path / "run" / "checkpoint.json").read_text())
    assert meta["epoch"] == 2

    keras.utils.set_random_seed(99)  # a new session: different global random state
    resumed = tiny_gan(seed=99)
    checkpoint = callbacks.Checkpoint(tmp_path / "run")
    history = resumed.fit(x, batch_size=16, epochs=4, shuffle=shuffle, verbose=0,
                          callbacks=[checkpoint])
    assert checkpoint.resumed_from == 2
    assert len(history.history["d_loss"]) == 2  # only epochs 3 and 4 ran
    assert iterations(resumed.d_optimizer) == iterations(straight.d_optimizer) == 16
    assert iterations(resumed.g_optimizer) == 16
    for a, b in zip(weights(straight), weights(resumed)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(straight.d_optimizer.variables, resumed.d_optimizer.variables):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b),
                                   rtol=1e-5, atol=1e-7)


def diverging(gan):
    """Recompile with a learning rate so large that the weights blow up within a few steps."""
    gan.compile(keras.optimizers.SGD(1e30), keras.optimizers.SGD(1e30))
    return gan


def test_nan_stops_training_and_keeps_last_good_checkpoint(tmp_path):
    keras.utils.set_random_seed(0)
    gan = tiny_gan()
    x, _ = data()
    gan.fit(x, batch_size=16, epochs=1, verbose=0, callbacks=[callbacks.Checkpoint(tmp_path)])
    weights_file = lambda: tmp_path / saved()["weights"]["file"]
    saved = lambda: json.loads((tmp_path / "checkpoint.json").read_text())
    good = weights_file().read_bytes()
    diverging(gan)
    # resume=False: the recompiled GAN is another run, trained on from where it is now
    with pytest.raises(TrainingDiverged, match=r"(d|g)_loss=(nan|inf)"):
        gan.fit(x, batch_size=16, epochs=3, verbose=0,
                callbacks=[callbacks.Checkpoint(tmp_path, resume=False)])
    assert weights_file().read_bytes() == good
    assert saved()["epoch"] == 1


def test_stop_on_nan_without_checkpoint():
    gan = diverging(tiny_gan())
    with pytest.raises(TrainingDiverged, match="Training diverged at batch"):
        gan.fit(data()[0], batch_size=16, epochs=2, verbose=0,
                callbacks=[callbacks.StopOnNaN(every_batch=True)])


@pytest.mark.parametrize("images, message", [
    (np.zeros((8, 28, 28), "float32"), "shape"),
    (np.zeros((8, 28, 28, 1), "uint8"), "floats in"),
    (np.full((8, 28, 28, 1), 255.0, "float32"), r"lie in \[-1, 1\]"),
    (np.full((8, 28, 28, 1), np.nan, "float32"), "NaN"),
])
def test_fit_rejects_bad_images(images, message):
    with pytest.raises(ValueError, match=message):
        tiny_gan().fit(images, batch_size=4, epochs=1, verbose=0)


def test_unconditional_fit_rejects_labels():
    x, y = data(8)
    with pytest.raises(ValueError, match="unconditional"):
        tiny_gan().fit(x, y, batch_size=4, epochs=1, verbose=0)


def test_conditional_gan_trains_and_generates_requested_labels():
    keras.utils.set_random_seed(0)
    gan = tiny_gan(conditional=True, kind="dcgan")
    x, y = data()
    history = gan.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])
    images = gan.generate(20, labels=np.repeat(np.arange(10), 2), seed=0)
    assert images.shape == (20, 28, 28, 1) and images.dtype == np.float32
    with pytest.raises(ValueError, match="labels must be"):
        gan.generate(3, labels=[0, 1, 10])
    with pytest.raises(ValueError, match="needs labels"):
        gan.fit(x, batch_size=16, epochs=1, verbose=0)


def test_generate_shapes_range_and_seed():
    gan = tiny_gan()
    images = gan.generate(7, seed=1)
    assert images.shape == (7, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    np.testing.assert_array_equal(images, gan.generate(7, seed=1))
    assert not np.array_equal(images, gan.generate(7, seed=2))
    with pytest.raises(ValueError, match="conditional"):
        gan.generate(3, labels=[1, 2, 3])
    with pytest.raises(ValueError, match="z must have shape"):
        gan.generate(z=np.zeros((3, 5)))


def test_compile_rejects_bad_settings():
    gan = tiny_gan()
    with pytest.raises(ValueError, match="label_smoothing"):
        gan.compile(label_smoothing=0.7)
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two optimizer instances"):
        gan.compile(shared, shared)


def test_label_smoothing_trains():
    gan = tiny_gan()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), label_smoothing=0.1)
    history = gan.fit(data()[0], batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])


def test_the_losses_are_the_non_saturating_cross_entropies_on_every_backend():
    real, fake = np.array([[2.0], [-1.0]], "float32"), np.array([[0.5], [-3.0]], "float32")
    log_sigmoid = lambda x: -np.log1p(np.exp(-x))  # log D for a logit x; log(1 - D) = log_sigmoid(-x)
    a = 0.1
    expected_d = (-np.mean((1 - a) * log_sigmoid(real) + a * log_sigmoid(-real))
                  - np.mean(log_sigmoid(-fake)))
    np.testing.assert_allclose(float(losses.d_loss(real, fake, a)), expected_d, rtol=1e-5)
    np.testing.assert_allclose(float(losses.g_loss(fake)), -np.mean(log_sigmoid(fake)), rtol=1e-5)
    # at the textbook equilibrium (D = 1/2 everywhere) d_loss = 2 ln 2 and g_loss = ln 2
    zero = np.zeros((4, 1), "float32")
    np.testing.assert_allclose(float(losses.d_loss(zero, zero)), 2 * np.log(2), rtol=1e-5)
    np.testing.assert_allclose(float(losses.g_loss(zero)), np.log(2), rtol=1e-5)


def test_mismatched_pair_is_rejected():
    generator = models.build_vanilla_generator(latent_dim=8, hidden=(16,), num_classes=10)
    discriminator = models.build_vanilla_discriminator(hidden=(16,))
    with pytest.raises(ValueError, match="both be conditional"):
        GAN(generator, discriminator)


class Negate(keras.layers.Layer):
    """A stand-in corruption: turns white strokes black and the background white."""

    def call(self, images, training=False):
        return -images


def test_corruption_is_applied_before_the_discriminator_only():
    generator = models.build_vanilla_generator(latent_dim=8, hidden=(16,))
    discriminator = models.build_vanilla_discriminator(hidden=(16,))
    gan = GAN(generator, discriminator, corruption=Negate())
    gan.compile()
    history = gan.fit(data(32)[0], batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])
    state = keras.ops.convert_to_numpy(gan.seed_generator.state)
    seen_by_discriminator = gan.fake_batch(4, None, training=False)
    gan.seed_generator.state.assign(state)
    z = keras.random.normal((4, gan.latent_dim), seed=gan.seed_generator)
    clean = generator(z, training=False)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(seen_by_discriminator),
                               -keras.ops.convert_to_numpy(clean), atol=1e-6)
    z = np.random.default_rng(0).standard_normal((4, 8)).astype("float32")
    np.testing.assert_allclose(gan.generate(z=z), keras.ops.convert_to_numpy(generator(z)),
                               atol=1e-6)  # generate returns the clean output


def test_fit_on_numpy_trains_every_batch_of_every_epoch_and_keeps_steps_given():
    class Count(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.batches = []

        def on_epoch_begin(self, epoch, logs=None):
            self.batches.append(0)

        def on_train_batch_end(self, batch, logs=None):
            self.batches[-1] += 1

    count = Count()
    gan = tiny_gan()
    gan.fit(data(40)[0], batch_size=16, epochs=3, verbose=0, callbacks=[count])
    assert count.params["steps"] == 3 and count.batches == [3, 3, 3]  # 16 + 16 + the last 8
    assert iterations(gan.d_optimizer) == 9
    given = tiny_gan()
    given.fit(data(40)[0], batch_size=16, epochs=1, steps_per_epoch=2, verbose=0,
              callbacks=[count])
    assert count.batches == [2]  # a learner's own steps_per_epoch stays


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="tf.data pipelines feed the TensorFlow backend")
def test_fit_accepts_a_tf_data_dataset():
    import tensorflow as tf
    x, y = data(32)
    gan = tiny_gan()
    history = gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])
    conditional = tiny_gan(conditional=True)
    history = conditional.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=1,
                              verbose=0)
    assert np.isfinite(history.history["d_loss"][0])


def test_epoch_timer_says_how_long_the_rest_will_take(capsys):
    timer = callbacks.EpochTimer()
    history = tiny_gan().fit(data()[0], batch_size=16, epochs=3, verbose=0, callbacks=[timer])
    printed = capsys.readouterr().out
    assert printed.count("left for the other") == 1, "one estimate, after the first epoch"
    assert "Epoch 1 took" in printed and "the other 2 epochs" in printed
    assert len(history.history["seconds"]) == 3 and min(history.history["seconds"]) > 0
    assert callbacks._duration(45) == "45 s" and callbacks._duration(3900) == "1 h 05 min"


def test_simultaneous_update_runs_the_generator_once_per_step(monkeypatch):
    calls = []
    for update in ("alternating", "simultaneous"):
        keras.utils.set_random_seed(0)
        gan = tiny_gan()
        gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), update=update,
                    run_eagerly=True)  # Python runs every step, so the calls can be counted
        generate = gan.fake_batch
        monkeypatch.setattr(gan, "fake_batch",
                            lambda *args, **kw: calls.append(update) or generate(*args, **kw))
        g_before, d_before = weights(gan.generator), weights(gan.discriminator)
        history = gan.fit(data()[0], batch_size=16, epochs=1, verbose=0)
        assert np.all(np.isfinite([history.history[k][0] for k in ("d_loss", "g_loss")]))
        assert any(not np.array_equal(b, a) for b, a in zip(g_before, weights(gan.generator)))
        assert any(not np.array_equal(b, a) for b, a in zip(d_before, weights(gan.discriminator)))
        assert iterations(gan.d_optimizer) == iterations(gan.g_optimizer) == 4
    assert calls.count("alternating") == 8 and calls.count("simultaneous") == 4


def test_simultaneous_discriminator_step_is_the_alternating_one():
    # Same weights, same z, same dropout masks: the discriminator's first step is the same
    # under both updates (its gradient does not depend on when the generator moves).
    x = data()[0][:16]
    after = {}
    for update in ("alternating", "simultaneous"):
        keras.utils.set_random_seed(0)
        gan = tiny_gan()
        gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), update=update)
        gan.fit(x, batch_size=16, epochs=1, verbose=0, shuffle=False)
        after[update] = (weights(gan.discriminator), weights(gan.generator))
    for a, b in zip(after["alternating"][0], after["simultaneous"][0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert any(not np.allclose(a, b) for a, b in zip(after["alternating"][1],
                                                      after["simultaneous"][1]))


def test_unknown_update_is_refused():
    with pytest.raises(ValueError, match=r"update must be one of \('alternating', 'simultaneous'\)"):
        tiny_gan().compile(update="interleaved")


def test_a_checkpoint_resumes_only_with_the_same_update(tmp_path):
    x = data()[0]
    gan = tiny_gan()
    gan.fit(x, batch_size=16, epochs=1, verbose=0, callbacks=[callbacks.Checkpoint(tmp_path)])
    other = tiny_gan()
    other.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5),
                  update="simultaneous")
    with pytest.raises(CheckpointError, match="update"):
        other.fit(x, batch_size=16, epochs=2, verbose=0, callbacks=[callbacks.Checkpoint(tmp_path)])


# One step from the same weights, z and batch, computed once on TensorFlow: d_loss, g_loss and
# the sum of every weight afterwards. JAX and PyTorch must give the same numbers.
ONE_STEP = {"alternating": (3.0032995, 1.00636, 20.84676), "simultaneous": (3.0032995, 0.1338456, 20.944327)}


@pytest.mark.parametrize("update", sorted(ONE_STEP))
def test_one_step_gives_the_same_numbers_on_every_backend(update, monkeypatch):
    rng = np.random.default_rng(0)
    generator = models.build_vanilla_generator(latent_dim=8, hidden=(16,))
    discriminator = models.build_vanilla_discriminator(hidden=(16,), dropout=0.0)
    for network in (generator, discriminator):
        network.set_weights([rng.normal(0, 0.2, w.shape).astype("float32")
                             for w in network.get_weights()])
    z, real = rng.standard_normal((8, 8)).astype("float32"), data(8)[0]
    monkeypatch.setattr(keras.random, "normal", lambda *args, **kwargs: keras.ops.convert_to_tensor(z))
    gan = GAN(generator, discriminator)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), label_smoothing=0.1,
                update=update)
    logs = gan.train_on_batch(real, return_dict=True)
    total = sum(float(np.sum(w)) for w in gan.get_weights())
    np.testing.assert_allclose((logs["d_loss"], logs["g_loss"], total), ONE_STEP[update], rtol=1e-5)
