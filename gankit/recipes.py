"""The recipes: the networks and optimizers that train each model of the kit well, in one place,
so that the command line, the benchmarks, the studies and the notebooks train the same GANs.
Introduced in notebook 02.
"""

import keras

from gankit import models
from gankit.clusters import Clusters
from gankit.checks import NUM_CLASSES
from gankit.gan import GAN

# Adam(2e-4, beta_1=0.5), the DCGAN paper's: the TensorFlow tutorial's 1e-4 trains MNIST slower.
RECIPES = {
    # The DCGAN as notebook 02 teaches it (Radford et al. 2016, as TensorFlow's tutorial), no extras.
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
    # Each change from dcgan_plain won its row of benchmarks/dcgan_ladder.py, and the last two
    # (learning rates 4e-4, an average over about 200 steps) of benchmarks/time_to_quality.py:
    # good digits in a third of the time (README, "Speed").
    "dcgan": {"builder": "dcgan", "conditional": False, "clusters": 100,
              "conditioning": "projection",
              "generator": {"filters": (128, 64, 32), "kernel_size": 5},
              "discriminator": {"filters": (32, 64), "kernel_size": 5, "dropout": 0.3},
              "learning_rate": 4e-4, "d_learning_rate": 4e-4, "beta_1": 0.5,
              "label_smoothing": 0.0, "ema_momentum": 0.995, "update": "simultaneous"},
    "ccgan": {"builder": "dcgan", "conditional": True, "conditioning": "projection",
              "generator": {"filters": (128, 64, 32), "kernel_size": 5},
              "discriminator": {"filters": (64, 128), "kernel_size": 5, "dropout": 0.3},
              "learning_rate": 2e-4, "d_learning_rate": 2e-4, "beta_1": 0.5,
              "label_smoothing": 0.1, "ema_momentum": None, "update": "alternating"},
}


def make_gan(model, seed=0, **overrides):
    """The recommended ``GAN`` for ``model`` (a key of ``RECIPES``), built and compiled.

    ``overrides`` replace recipe entries: ``generator`` and ``discriminator`` (the builders'
    options, ``gankit.models``), ``learning_rate`` (the generator's), ``d_learning_rate``,
    ``beta_1``, ``label_smoothing``, ``ema_momentum`` (in (0, 1), or None: no moving
    average of the generator's weights), ``update`` (``"alternating"`` or ``"simultaneous"``,
    ``GAN.compile``), ``conditioning`` and ``clusters`` (k-means clusters to train on, or None).
    """
    if model not in RECIPES:
        raise ValueError(f"Unknown model {model!r}; choose one of {sorted(RECIPES)}.")
    unknown = set(overrides) - set(RECIPES[model])
    if unknown:
        raise ValueError(f"Unknown recipe settings {sorted(unknown)}; "
                         f"known: {sorted(RECIPES[model])}.")
    recipe = {**RECIPES[model], **overrides}
    gan = build(recipe, seed=seed, name=f"{model}_gan")
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


def build(recipe, seed=0, name=None):
    """The untrained, uncompiled ``GAN`` of a recipe dict (a ``RECIPES`` entry, or one stored
    with a pretrained generator): its networks, and its ``Clusters`` (not fitted) if any."""
    k = recipe.get("clusters")
    if k and recipe["conditional"]:
        raise ValueError("A recipe is conditional (labels) or has clusters, not both.")
    num_classes = NUM_CLASSES if recipe["conditional"] else k
    conditional = ({"num_classes": num_classes, "conditioning": recipe["conditioning"]}
                   if num_classes else {})
    generator, discriminator = models.build_pair(
        recipe["builder"], generator_options=recipe.get("generator"),
        discriminator_options=recipe.get("discriminator"), **conditional)
    return GAN(generator, discriminator, num_classes=num_classes, seed=seed, name=name,
               clusters=Clusters(k, seed=seed) if k else None)
