"""The GAN losses every backend's step descends (notebook 01 writes them out): binary cross-entropy
on the discriminator's logits ``(N, 1)``, real images aimed at 1 (``1 - smoothing``: one-sided label
smoothing), generated ones at 0; the generator's loss is the non-saturating one, its images aimed at 1."""

from keras import ops


def bce(logits, target):
    """The mean binary cross-entropy of ``logits`` against one target value in [0, 1]."""
    return ops.mean(ops.binary_crossentropy(ops.full_like(logits, target), logits, from_logits=True))


def d_loss(real_logits, fake_logits, smoothing=0.0):
    return bce(real_logits, 1.0 - smoothing) + bce(fake_logits, 0.0)


def g_loss(fake_logits):
    return bce(fake_logits, 1.0)
