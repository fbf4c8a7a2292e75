"""How good are the digits? The shipped MNIST classifier and the scores computed with it.

- ``classifier``  the evaluator network, its input checks and shipped weights, and training a
  fresh classifier of the same architecture (``train_classifier``, ``train_and_test``)
- ``scores``      classifier score, Fréchet distance, recognisable fraction, class coverage,
  conditional accuracy, classification accuracy score; ``score_images`` computes them all
- ``reference``   the ceiling and floors the scores are read against
- ``retrain``     ``python -m gankit evaluator train``

The functions a notebook needs are importable from here: ``evaluation.score_images(samples)``.
Introduced in notebook 01.
"""

from gankit.evaluation.classifier import (BATCH_SIZE, WEIGHTS_PATH, Evaluator,  # noqa: F401
                                          build_evaluator, feature_extractor, load_evaluator,
                                          prepare_images, train_and_test, train_classifier)
from gankit.evaluation.reference import (REFERENCE_PATH, compute_reference_scores,  # noqa: F401
                                         reference_scores)
from gankit.evaluation.retrain import train_evaluator  # noqa: F401
from gankit.evaluation.scores import (RECOGNISABLE_THRESHOLD, class_coverage,  # noqa: F401
                                      classification_accuracy_score, classifier_score,
                                      conditional_accuracy, frechet_distance,
                                      recognisable_fraction, score_images)
