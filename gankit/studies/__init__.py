"""The studies the kit runs with its GANs (notebooks 00, 03 and 05).

- ``noise``                corrupted training sets of a ``kind``: Gaussian blur + noise, or letters
- ``augmentation``         does training a classifier on generated digits help?
- ``ambient``              ``GaussianCorruption``, the Keras layer for noise-aware training
- ``detectors``            how much corruption a generator copies; cleaning with the evaluator
- ``robustness``           the noise-robustness sweep and its records
- ``robustness_findings``  what the records say: tables, thresholds, status, claims, figures
"""
