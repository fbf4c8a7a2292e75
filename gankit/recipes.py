"""Training recipes: the settings that train each model of the kit well, in one place.

``make_gan("dcgan")`` returns a compiled ``GAN`` with the recommended networks and optimizers.
The command line (``python -m gankit train``), the benchmarks, the studies and the notebooks
build their GANs here (and train them with ``gankit.training.train``), so a number in the
README and a notebook's run come from the same recipe.

Introduced in notebook 02.
"""

import keras

from gankit import models
from gankit.clusters import Clusters
from gankit.checks import NUM_CLASSES
from gankit.gan import GAN

# Adam(2e-4, beta_1=0.5) is the DCGAN paper's setting; the TensorFlow tutorial's Adam(1e-4)
# trains markedly slower on MNIST. "learning_rate" is the generator's, "d_learning_rate" the
# discriminator's; "generator" and "discriminator" are the builders' options (gankit.models).
# "ema_momentum" (None: off) keeps an exponential moving average of the generator's weights in
# its optimizer (Keras's ``use_ema``); the trained generator is that average, see ``train``.
# "update" is the training step: "alternating" or "simultaneous" (``GAN.compile``).
# "clusters" (None: off) trains an unconditional recipe's networks as a conditional pair on that
# many k-means clusters of the training images (``gankit.clusters``), "conditioning" saying how
# its discriminator takes the cluster; ``generate`` draws clusters with their frequencies.
# The convolutional generators have half the DCGAN paper's channels (128-64-32). Without
# clusters, the 64-128 discriminator (the CCGAN's) with batch 64 (``gankit.config``) scored best
# of the measured recipes per CPU second (benchmarks/recipe_levers.py, row "half-b64-wide-d"). The
# DCGAN's generator is sampled as the moving average of its weights: after 16 epochs it scored
# what the same pair without the average scored after 24 (row "half-b64-wide-d-ema"). Trained on
# 100 clusters of the digits (no labels), the averaged pair scored more after 4 epochs than
# without them after 24 (rows "half-b64-wide-d-k100-ema"; k = 10, 30, 100 and 300 measured).
# With clusters, the halved discriminator (32-64) and the simultaneous update (one generator
# pass per step) scored as the wider pair did after 16 and 24 epochs in 0.55 times its
# time (row "half-b64-sim-k100-ema"): the DCGAN recipe is that one.
RECIPES = {
    # The DCGAN as notebook 02 teaches it: the networks of Radford et al. (2016) at MNIST size,
    # as TensorFlow's DCGAN tutorial builds them (generator 256-128-64, discriminator 64-128),
    # the paper's Adam, notebook 01's alternating step, batch 256 (gankit.config); nothing else.
    "dcgan_plain": {"builder": "dcgan", "conditional": False, "clusters": None,
                    "conditioning": "projection",
                    "generator": {"filters": (256, 128, 64), "kernel_size": 5},
                    "discriminator": {"filters": (64, 128), "kernel_size": 5, "dropout": 0.3},
                    "learning_rate": 2e-4, "d_learning_rate": 2e-4, "beta_1": 0.5,
                    "label_smoothing": 0.0, "ema_momentum": None, "update": "alternating"},
    "vanilla": {"builder": "vanilla", "conditional": False,
                "generator": {"hidden": (256, 512, 1024)},
                "discriminator": {"hidden": (1024, 512, 256), "dropout": 0.3},
                "learning_rate": 2e-4, "d_learning_rate": 2e-4, "beta_1": 0.5,
                "label_smoothing": 0.1, "ema_momentum": None, "update": "alternating"},
    "dcgan": {"builder": "dcgan", "conditional": False, "clusters": 100,
              "conditioning": "projection",
              "generator": {"filters": (128, 64, 32), "kernel_size": 5},
              "discriminator": {"filters": (32, 64), "kernel_size": 5, "dropout": 0.3},
              "learning_rate": 2e-4, "d_learning_rate": 2e-4, "beta_1": 0.5,
              "label_smoothing": 0.0, "ema_momentum": 0.999, "update": "simultaneous"},
    "ccgan": {"builder": "dcgan", "conditional": True, "conditioning": "projection",
              "generator": {"filters": (128, 64, 32), "kernel_size": 5},
              "discriminator": {"filters": (64, 128), "kernel_size": 5, "dropout": 0.3},
              "learning_rate": 2e-4, "d_learning_rate": 2e-4, "beta_1": 0.5,
              "label_smoothing": 0.1, "ema_momentum": None, "update": "alternating"},
}


def make_gan(model, seed=0, corruption=None, num_classes=None, **overrides):
    """Build and compile the recommended GAN for ``model`` (``vanilla``, ``dcgan_plain``,
    ``dcgan``, ``ccgan``).

    ``corruption`` is passed to ``GAN`` (AmbientGAN training, notebook 05). ``num_classes``:
    the classes of a conditional recipe (default 10, the digits). ``overrides``
    replace recipe entries (``generator`` and ``discriminator``: the builders' options,
    ``learning_rate`` and ``d_learning_rate``, ``beta_1``, ``label_smoothing``,
    ``ema_momentum`` (a float in (0, 1): the generator's weights are averaged), ``update``
    (``"alternating"`` or ``"simultaneous"``, see ``GAN.compile``), for ``ccgan`` and ``dcgan``
    ``conditioning``: ``"projection"`` or ``"channel"``, see ``gankit.models``, and for
    ``dcgan`` ``clusters``: the number of k-means clusters it trains on, or None for none).
    """
    if model not in RECIPES:
        raise ValueError(f"Unknown model {model!r}; choose one of {sorted(RECIPES)}.")
    unknown = set(overrides) - set(RECIPES[model])
    if unknown:
        raise ValueError(f"Unknown recipe settings {sorted(unknown)}; "
                         f"known: {sorted(RECIPES[model])}.")
    recipe = {**RECIPES[model], **overrides}
    gan = build(recipe, seed=seed, corruption=corruption, name=f"{model}_gan",
                num_classes=num_classes)
    momentum = recipe.get("ema_momentum")
    if momentum is not None and not 0 < momentum < 1:
        raise ValueError(f"ema_momentum must lie strictly between 0 and 1 (0.999 averages about "
                         f"the last 1,000 steps), or be None for no average; got {momentum!r}.")
    adam = lambda rate, **ema: keras.optimizers.Adam(rate, beta_1=recipe["beta_1"], **ema)
    ema = {"use_ema": True, "ema_momentum": momentum} if momentum is not None else {}
    gan.compile(adam(recipe.get("d_learning_rate", recipe["learning_rate"])),
                adam(recipe["learning_rate"], **ema),
                label_smoothing=recipe["label_smoothing"], update=recipe["update"])
    return gan


def build(recipe, seed=0, corruption=None, name=None, num_classes=None):
    """The untrained, uncompiled ``GAN`` of a recipe dict (a ``RECIPES`` entry, or one stored
    in a provenance record of ``gankit.pretrained``): its networks, and its ``Clusters`` (not
    fitted) if the recipe has ``clusters``. ``num_classes`` (a conditional recipe's; default
    10, the digits)."""
    k = recipe.get("clusters")
    if num_classes is not None and not recipe["conditional"]:
        raise ValueError("num_classes is for a conditional recipe; this one is unconditional"
                         + (f" (its {k} clusters set the classes of its networks)." if k else "."))
    if k and recipe["conditional"]:
        raise ValueError("A recipe is conditional (labels) or has clusters, not both.")
    num_classes = (num_classes or NUM_CLASSES) if recipe["conditional"] else k
    conditional = ({"num_classes": num_classes, "conditioning": recipe["conditioning"]}
                   if num_classes else {})
    generator, discriminator = models.build_pair(
        recipe["builder"], generator_options=recipe.get("generator"),
        discriminator_options=recipe.get("discriminator"), **conditional)
    return GAN(generator, discriminator, num_classes=num_classes, seed=seed,
               corruption=corruption, name=name,
               clusters=Clusters(k, seed=seed) if k else None)


from gankit.training import save_samples, train  # noqa: E402,F401  (kept: older code calls recipes.train)
