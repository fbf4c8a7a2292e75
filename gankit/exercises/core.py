"""How every exercise check runs (``gankit.exercises``): call the learner's function on fixed
inputs, compare with the kit's answer within a tolerance, print one line, and return the function
the cells below should use: the learner's when it passed, else the kit's reference."""

import numpy as np
from keras import ops


def as_array(value):
    """A learner's result (a NumPy array, a backend tensor, a number) as a NumPy array."""
    return np.asarray(ops.convert_to_numpy(value))


def _close(got, expected, rtol, atol):
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=rtol, atol=atol,
                                                            equal_nan=True))


def _safely(function, args):
    """A known mistake's result on ``args``, or an empty array where it cannot run."""
    try:
        return as_array(function(*args))
    except Exception:  # a mistake that cannot run on these inputs matches nothing
        return np.full((0, 0, 0), np.nan)


def _difference(got, expected, label):
    """What differs between two same-shaped results, in one phrase with a hint."""
    if _close(got, -expected, 1e-4, 1e-6) and np.any(expected):
        return f"on {label} the sign is flipped (you return minus the expected value)"
    g_low, g_high, e_low, e_high = got.min(), got.max(), expected.min(), expected.max()
    below, above = g_low < e_low - 1e-6 * (1 + abs(e_low)), g_high > e_high + 1e-6 * (1 + abs(e_high))
    if got.size > 1 and (below or above):
        return (f"on {label} your values lie in {g_low:.4g}..{g_high:.4g}, the expected ones in "
                f"{e_low:.4g}..{e_high:.4g} (check the range: scaling, offset or clipping)")
    index = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape) if got.ndim else ()
    where = f" at index {tuple(int(i) for i in index)}" if index else ""
    return (f"on {label} you return {got[index]:.6g}{where}, expected {expected[index]:.6g} "
            f"(largest difference {float(np.max(np.abs(got - expected))):.3g})")


def run_check(what, learner, reference, cases, wrong=(), hint="", rtol=1e-4, atol=1e-5):
    """Check ``learner`` against the kit; print one line; return the function to use next.

    ``cases``: ``(label, args, expected)`` triples, ``expected`` computed by the kit.
    ``wrong``: ``(function, message)`` pairs of plausible mistakes; when the learner's results
    match one on every case, its message is the hint. ``hint``: a general hint for failures.
    """
    fallback = "; the cells below use the kit's reference"
    results = []
    try:
        for label, args, expected in cases:
            results.append((label, args, as_array(learner(*args)), as_array(expected)))
    except NotImplementedError:
        print(f"not attempted: {what}{fallback}")
        return reference
    except Exception as error:  # any error in the learner's code is reported
        print(f"failed: {what}: on {cases[len(results)][0]} your function raised "
              f"{type(error).__name__}: {str(error).splitlines()[0][:160] if str(error) else ''}"
              f". Hint: {hint}{fallback}")
        return reference
    failures = [(label, args, got, expected) for label, args, got, expected in results
                if not _close(got, expected, rtol, atol)]
    if not failures:
        print(f"passed: {what} ({len(cases)} inputs)")
        return learner
    label, args, got, expected = failures[0]
    for function, message in wrong:
        if all(_close(got_i, _safely(function, args_i), rtol, atol)
               for _, args_i, got_i, _ in results):
            print(f"failed: {what}: {message}{fallback}")
            return reference
    if got.shape != expected.shape:
        problem = f"on {label} the shape is {got.shape}, expected {expected.shape}"
    else:
        problem = _difference(got.astype(np.float64), expected.astype(np.float64), label)
    print(f"failed: {what}: {problem}. Hint: {hint}{fallback}")
    return reference
