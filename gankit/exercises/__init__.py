"""Checks of the notebooks' graded exercises, in the manner of CS231n's and deeplearning.ai's.

A notebook cell defines the learner's function; the next calls ``check_<name>(function)``, which
compares it with the kit's reference on fixed inputs and prints one line: ``passed: ...``,
``failed: ...`` with what differs and a hint, or ``not attempted`` (the stub raises
``NotImplementedError``). It returns the function the cells below should use: the learner's
when it passed, else the kit's reference, so an unsolved notebook runs top to bottom::

    d_loss = exercises.check_d_loss(d_loss)
"""

from gankit.exercises.baselines import (check_corrected_share, check_high_frequency_energy,
                                        check_loadings, check_noise_variance, check_pixel_noise,
                                        check_ppca_sample)
from gankit.exercises.lessons import (check_conditional_accuracy, check_conv_size, check_d_loss,
                                      check_dcgan_block, check_g_loss, check_image_entropy,
                                      check_interpolate, check_letters_to_add,
                                      check_projection_logit, check_to_model_range,
                                      check_transposed_size)

# in the order the notebooks use them: 00, 01, 02, 03, 04, 05
__all__ = ["check_to_model_range", "check_letters_to_add",
           "check_d_loss", "check_g_loss", "check_image_entropy",
           "check_transposed_size", "check_conv_size", "check_dcgan_block",
           "check_projection_logit", "check_interpolate", "check_conditional_accuracy",
           "check_noise_variance", "check_loadings", "check_ppca_sample",
           "check_pixel_noise", "check_high_frequency_energy", "check_corrected_share"]
