"""Training checkpoints on disk: written atomically, verified on load, tied to the run that made them.

``gankit.callbacks.Checkpoint`` decides when to save and resume, this module how (notebook 02).
A checkpoint folder holds ``epoch-0003-1f2e3d4c.weights.h5`` (``gan.save_weights`` after epoch
3) and ``checkpoint.json``: the epoch, that file's name, size and SHA-256, the global random
state, the run (``run_record``) and the record's own SHA-256. A save writes new weights beside
the old, replaces the record (the one step to the new epoch), then removes the old weights: a
kill at any moment leaves a record that names a complete weights file.
"""

import collections
import json
import random
import re
import secrets
import warnings
from hashlib import sha256
from pathlib import Path

import h5py
import numpy as np
import keras

from gankit import files
from gankit.checks import TrainingDiverged

RECORD = "checkpoint.json"
FORMAT, VERSION = "gankit checkpoint", 2
# What a save writes: weights, record, their scratch copies and files.replacing's temporaries.
_OURS = re.compile(r"^\.?(epoch-\d{4,}-[0-9a-f]{8}\.weights\.h5|checkpoint\.json)(\.\d+\.tmp)?$")
_RUN_FILES = frozenset({"checkpoint", "log.csv", "samples.png", "losses.png", "gan.weights.h5",
                        "generator.weights.h5", "samples.npz"})
MISSING = object()  # a field one of two run records does not have
# A verified checkpoint: epochs done (>= 1), run record, global random state, weights file.
Saved = collections.namedtuple("Saved", "epoch run random_state weights")


class CheckpointError(ValueError):
    """A checkpoint or run folder that cannot be used; the message names the file and the fix."""


def _plain(value):
    """``value`` as JSON gives it back (tuples and NumPy arrays become lists)."""
    def default(obj):  # else a type's name, never a repr: it may hold a memory address
        return obj.tolist() if isinstance(obj, (np.ndarray, np.generic)) else type(obj).__name__
    return json.loads(json.dumps(value, sort_keys=True, default=default))


def _config(layer):
    """A layer's or optimizer's configuration without names, which Keras numbers per session."""
    def strip(config):
        if isinstance(config, dict):
            return {k: strip(v) for k, v in config.items()
                    if k not in ("name", "inbound_nodes", "input_layers", "output_layers")}
        return [strip(v) for v in config] if isinstance(config, (list, tuple)) else config
    try:
        return {"class": type(layer).__name__, **strip(layer.get_config())}
    except NotImplementedError:  # a custom layer without get_config: its class still counts
        return {"class": type(layer).__name__}


def run_record(gan, x=None, y=None, batch_size=None, run=None):
    """What made a run, a dict of JSON values that each of its checkpoints stores: digests of
    ``fit``'s images ``x`` ``(N, 28, 28, 1)``, labels ``y`` ``(N,)`` and networks, its
    ``batch_size``, the GAN's settings, and the caller's ``run`` fields (``{"setting": ...}``),
    which replace derived ones of the same key."""
    if getattr(gan, "d_optimizer", None) is None:
        raise ValueError("Compile the GAN before fit: gan.compile() (or build it with "
                         "gankit.recipes.make_gan, which compiles it).")
    def network(model):
        layers = [[_config(layer), [list(w.shape) for w in layer.weights]] for layer in model.layers]
        digest = sha256(json.dumps(_plain(layers), sort_keys=True).encode()).hexdigest()[:12]
        size = sum(int(np.prod(w.shape)) for w in model.weights)
        return f"{len(model.layers)} layers, {size:,} parameters, sha256 {digest}"
    def array(values, what):
        values = np.ascontiguousarray(values)
        digest, shape = sha256(values.tobytes()).hexdigest()[:12], "x".join(map(str, values.shape[1:]))
        return f"{len(values):,} {what}{' ' + shape if shape else ''} {values.dtype}, sha256 {digest}"
    corruption = getattr(gan, "corruption", None)  # an AmbientGAN layer, or None
    record = {
        "backend": keras.backend.backend(),
        "generator": network(gan.generator), "discriminator": network(gan.discriminator),
        **{key: getattr(gan, key, None) for key in ("latent_dim", "num_classes",
                                                    "label_smoothing", "update")},
        "d_optimizer": _config(gan.d_optimizer), "g_optimizer": _config(gan.g_optimizer),
        "corruption": None if corruption is None else _config(corruption),
        "batch_size": 32 if batch_size is None and isinstance(x, np.ndarray) else batch_size,
        "images": array(x, "images") if isinstance(x, np.ndarray) else "not recorded (not NumPy)",
        "labels": array(y, "labels") if isinstance(y, np.ndarray) else None,
    }
    return _plain({**record, **(run or {})})


def differences(saved, now, _prefix=""):
    """``[(field, saved value, value now), ...]``, nested fields dotted (``d_optimizer.beta_1``)."""
    found = []
    for key in sorted(set(saved) | set(now)):
        old, new = saved.get(key, MISSING), now.get(key, MISSING)
        if isinstance(old, dict) and isinstance(new, dict):
            found += differences(old, new, f"{_prefix}{key}.")
        elif old != new:
            found.append((f"{_prefix}{key}", old, new))
    return found


def _show(value):
    if value is MISSING or isinstance(value, float):
        return "(not given)" if value is MISSING else f"{value:.6g}"
    if isinstance(value, dict) and "class" in value:  # a layer or an optimizer
        details = ", ".join(f"{k}={_show(v)}" for k, v in value.items()
                            if k not in ("class", "dtype", "trainable"))
        return f"{value['class']}({details})"
    return repr(value)


def check_resume(directory, saved_run, record, force=False):
    """``differences(saved_run, record)``; unless ``force``, any raises ``CheckpointError``."""
    diffs = differences(saved_run, record)
    if diffs and not force:
        lines = "".join(f"\n  {key}: saved {_show(old)}, now {_show(new)}" for key, old, new in diffs)
        raise CheckpointError(
            f"The checkpoint in {directory} was made by a different run; these differ:"
            f"{lines}\nResuming it would continue that run with other settings. To start "
            f"fresh, use a new output folder or delete {directory}. To resume it on purpose "
            f"with what you have now, pass resume=\"force\" to Checkpoint (on the command "
            f"line: --resume-anyway).")
    return diffs


def global_random_state():
    """NumPy's (the batch order), Python's and PyTorch's global random state; the GAN's Keras
    generators are in its weights file (``GAN.save_own_variables``)."""
    state = {"numpy": np.random.get_state(legacy=False), "python": random.getstate()}
    if keras.backend.backend() == "torch":
        import torch
        state["torch"] = torch.get_rng_state().numpy()
    return _plain(state)


def set_global_random_state(state):
    """Restore what ``global_random_state`` returned."""
    np.random.set_state(state["numpy"])
    random.setstate((state["python"][0], tuple(state["python"][1]), state["python"][2]))
    if keras.backend.backend() == "torch":
        import torch
        torch.set_rng_state(torch.tensor(state["torch"], dtype=torch.uint8))


def _nonfinite(weights_path):
    """Names of the floating-point arrays of an HDF5 weights file that hold NaN or inf."""
    bad = []
    with h5py.File(weights_path, "r") as f:
        f.visititems(lambda name, item: bad.append(name) if isinstance(item, h5py.Dataset) and
                     item.dtype.kind == "f" and not np.isfinite(item[()]).all() else None)
    return bad


def seal(record):
    """``record`` with ``"sha256"``, the digest of everything else in it (sorted JSON)."""
    body = {k: v for k, v in record.items() if k != "sha256"}
    return {**body, "sha256": sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()}


def save(directory, gan, epoch, run):
    """Write ``gan``'s state after ``epoch`` epochs as the checkpoint in ``directory``; a NaN or
    infinite weight raises ``TrainingDiverged``, keeping the last good epoch."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"epoch-{epoch:04d}-{secrets.token_hex(4)}.weights.h5"  # never the record's file
    scratch = directory / f".{name}"  # Keras writes weights only to names ending .weights.h5
    try:
        gan.save_weights(scratch)
        bad = _nonfinite(scratch)
        if not bad:  # the file Keras wrote becomes the weights file: no second copy of it
            data = scratch.read_bytes()
            files.move_atomic(scratch, directory / name)
    finally:
        scratch.unlink(missing_ok=True)
    if bad:
        raise TrainingDiverged(f"Training diverged in epoch {epoch}: the losses are finite but "
                               f"{len(bad)} saved array(s) hold NaN or infinite values "
                               f"({', '.join(bad[:3])}). The checkpoint in {directory} keeps the "
                               f"last good epoch; resume from it with a lower learning rate.")
    record = seal({"format": FORMAT, "version": VERSION, "epoch": epoch,
                   "weights": {"file": name, "bytes": len(data), "sha256": sha256(data).hexdigest()},
                   "random_state": global_random_state(), "run": run})
    files.write_atomic(directory / RECORD, json.dumps(record, indent=1) + "\n")  # the switch
    for path in directory.iterdir():  # older weights, and what interrupted saves left
        if _OURS.match(path.name) and path.name not in (RECORD, name):
            path.unlink(missing_ok=True)
    return record


def _damaged(directory, path, problem):
    return CheckpointError(
        f"The checkpoint in {directory} is damaged: {path} {problem}. It cannot be resumed "
        f"safely. To start fresh, delete the folder {directory} or train into a new one "
        f"(Checkpoint(..., resume=False) replaces it at the end of the next epoch).")


def _foreign(directory):
    """What a folder holds that neither a kit run nor a checkpoint writes, as a short list."""
    names = sorted(p.name for p in directory.iterdir()
                   if p.name not in _RUN_FILES and not _OURS.match(p.name))
    return ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")


def check_run_folder(path, force=False):
    """``path`` as a ``Path`` if it can be a run's or a checkpoint's folder: new, empty, holding
    a checkpoint (or ``checkpoint/``) or only what a run writes; else, unless ``force`` (not
    for a file), ``CheckpointError``. Cheap: run it before loading data."""
    path = Path(path)
    existing = next(p for p in (path, *path.absolute().parents) if p.exists())
    if not existing.is_dir():
        where = "is a file" if existing == path else f"lies under a file, {existing}"
        raise CheckpointError(f"The output path {path} {where}, not a folder. Choose a "
                              f"folder for the run's files: a new one, or an earlier run's "
                              f"(--out on the command line).")
    if (force or not path.is_dir() or (path / RECORD).is_file()
            or (path / "checkpoint" / RECORD).is_file() or not _foreign(path)):
        return path
    raise CheckpointError(
        f"The folder {path} is not empty and holds no gankit run ({_foreign(path)}). Training "
        f"writes its files into it (log.csv, samples.png, checkpoint/, ...), so it refuses a "
        f"folder that may be someone else's. Choose a new or empty folder (on the command "
        f"line, --force uses this one anyway).")


def load(directory):
    """The verified checkpoint in ``directory``, a ``Saved`` (None: none yet); a damaged one
    raises ``CheckpointError`` naming the file and the fix. Nothing is loaded into a model."""
    directory = check_run_folder(directory)
    if not (path := directory / RECORD).exists():
        return None
    try:
        record = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):  # cut short or overwritten
        record = None
    if not (isinstance(record, dict) and record.get("format") == FORMAT
            and record.get("version") == VERSION and record == seal(record)):
        raise _damaged(directory, path, f"is cut short, altered after it was written, or not a "
                                        f"checkpoint record of this gankit (version {VERSION}): "
                                        f"its JSON or its own SHA-256 checksum does not check out")
    expected, weights = record["weights"], directory / record["weights"]["file"]
    data = weights.read_bytes() if weights.is_file() else None
    problem = (f"is missing ({RECORD} names it for epoch {record['epoch']})" if data is None else
               f"has {len(data):,} bytes where {RECORD} recorded {expected['bytes']:,} (cut "
               f"short or overwritten)" if len(data) != expected["bytes"] else
               f"does not match the SHA-256 checksum recorded in {RECORD} (altered after it was "
               f"written)" if sha256(data).hexdigest() != expected["sha256"] else None)
    if not problem:  # checksums cannot see a file altered together with its record
        try:
            bad = _nonfinite(weights)
            problem = bad and f"holds NaN or infinite values ({', '.join(bad[:3])})"
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            problem = f"is not a readable HDF5 weights file ({str(error).splitlines()[0]})"
    if problem:
        raise _damaged(directory, weights, problem)
    return Saved(record["epoch"], record["run"], record["random_state"], weights)


def load_into(gan, saved, keep_learning_rates=False):
    """Load a verified checkpoint into ``gan`` (``CheckpointError`` if it does not fit);
    ``keep_learning_rates`` keeps the optimizers' current rates (a resume on purpose)."""
    rates = [(opt, opt.get_config()["learning_rate"]) for opt in (gan.d_optimizer, gan.g_optimizer)
             if keep_learning_rates and isinstance(opt.get_config()["learning_rate"], float)]
    with warnings.catch_warnings():
        # Keras loads what fits and only warns about the rest: half a checkpoint is no whole one.
        warnings.filterwarnings("error", message=".*skipping")
        try:
            gan.load_weights(saved.weights)
        except Exception as error:  # Keras raises ValueError, KeyError, ... on another model
            detail = ([line.strip() for line in str(error).splitlines() if line.strip()]
                      or [type(error).__name__])[-1]
            raise CheckpointError(
                f"{saved.weights} does not fit this GAN ({detail}): it was saved from a GAN built "
                f"differently (other networks or optimizers, or a corruption layer with its own "
                f"random state added or removed). Build the GAN as the saved run did, or start "
                f"fresh: delete {saved.weights.parent} or train into a new folder.") from None
    for optimizer, rate in rates:  # a schedule is no variable: it stays as built
        optimizer.learning_rate = rate
