"""How good are the digits? ``classifier``: the shipped MNIST classifier; ``scores``: the scores
computed with it and the reference rows to read them against. Introduced in notebook 01."""
