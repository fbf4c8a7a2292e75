"""The studies the kit runs with its GANs (notebooks 00, 03 and 05).

- ``noise``              corrupted training sets: Gaussian blur + noise, or letters
- ``augment``            training sets that mix real and generated digits
- ``augmentation``       does augmenting with generated digits help a classifier?
- ``ambient``            AmbientGAN: the corruption layer for noise-aware training
- ``detectors``          how much corruption a generator reproduces; cleaning with the evaluator
- ``robustness``         the noise-robustness sweep (resumable, shardable)
- ``robustness_report``  its tables, curves and thresholds
"""
