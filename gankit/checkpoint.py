"""Training checkpoints on disk: written atomically, verified on load, tied to the run that made them.

``gankit.callbacks.Checkpoint`` decides *when* to save and resume; this module decides *how* a
checkpoint lies on disk, and refuses one that is damaged, from another run, or in a folder
that is not the kit's. Everything here is plain files, readable without gankit.

Layout of a checkpoint folder (one complete epoch at every moment)::

    <directory>/
        checkpoint.json           the manifest; replaced in one step (os.replace)
        epoch-0003-1f2e3d4c/      the state after epoch 3 (a random 8-hex-digit suffix)
            gan.weights.h5        gan.save_weights: both networks, both optimizers (moments,
                                  step counts, learning rates), the GAN's random-generator
                                  states; HDF5 attribute ``gankit_epoch`` = 3
            state.json            {"epoch": 3, "backend": ..., "random_state": {...}}: NumPy's
                                  global random state (the batch order), PyTorch's on that
                                  backend

``checkpoint.json`` holds ``format`` ("gankit checkpoint"), ``version`` (1), ``epoch`` (an
integer >= 1, the epochs done), ``folder`` (the name above), ``files`` (for each of the two
files its size in ``bytes`` and its ``sha256``, 64 hex digits), ``run`` (the run record, see
``run_record``) and ``saved_at`` (UTC, ISO 8601).

Writing epoch E (``save``): the two files go into ``epoch-000E-<id>.partial/``, are flushed to
disk, the folder is renamed to ``epoch-000E-<id>/``, then a new ``checkpoint.json`` is written
beside the old one and put in its place with ``os.replace``; only then are the older epoch
folders removed. A process killed at any point leaves the old manifest naming a complete old
folder, or the new manifest naming a complete new one: never a mix of two epochs. Folders the
manifest does not name are leftovers of an interrupted write; loading ignores them and the
next save removes them.

Loading (``load``) reads the manifest and checks, before touching the GAN, that every file has
the recorded size and SHA-256, that the folder name, the manifest, ``state.json`` and the
weights file all give the same epoch, and that every floating-point array in the weights file
is finite. Any failure raises ``CheckpointError`` naming the file, what is wrong and the fix.

The run record (``run_record``) says what made the checkpoint: a digest of the generator's
and the discriminator's architecture, both optimizers' settings, the loss, label smoothing,
the corruption layer, the Keras backend, the batch size, the number and a digest of the
training images (and labels), plus what the caller adds (``run=``: setting, recipe name,
corruption kind and fraction, ...). Resuming with a record that differs is refused with the
list of differing fields, unless the caller resumes on purpose (``resume="force"``).

``check_run_folder(path)`` refuses an output path that is a file, and a non-empty folder that
holds no run of the kit (unless ``force=True``); it is cheap, so run it before loading data.

Introduced in notebook 02.
"""

import dataclasses
import datetime
import hashlib
import json
import os
import re
import secrets
import shutil
import warnings
from pathlib import Path

import h5py
import numpy as np
import keras

from gankit.checks import TrainingDiverged

MANIFEST = "checkpoint.json"
WEIGHTS = "gan.weights.h5"
STATE = "state.json"
FORMAT, VERSION = "gankit checkpoint", 1
EPOCH_ATTRIBUTE = "gankit_epoch"  # HDF5 attribute of the weights file
_FOLDER = re.compile(r"^epoch-(\d{4,})-([0-9a-f]{8})(\.partial)?$")
_MANIFEST_TEMPORARY = re.compile(r"^checkpoint\.json\.[0-9a-f]{8}\.tmp$")
# What the kit writes into a run folder (gankit.training.train, python -m gankit train) and into
# a checkpoint folder, including the layout of earlier versions (keras BackupAndRestore's).
_OLD_LAYOUT = ("latest.weights.h5", "training_metadata.json", "random_state.json")
KIT_NAMES = frozenset({"checkpoint", "log.csv", "samples.png", "losses.png", "gan.weights.h5",
                       "generator.weights.h5", "samples.npz", MANIFEST, *_OLD_LAYOUT})
FORCE_HINT = 'pass resume="force" to Checkpoint (on the command line: --resume-anyway)'


class CheckpointError(ValueError):
    """A checkpoint or run folder that cannot be used: damaged, from another run, or not the
    kit's. The message names the file, what is wrong with it and the fix."""


# --- the run record -------------------------------------------------------------------------

def _plain(value):
    """``value`` as JSON would give it back (tuples become lists, NumPy scalars numbers)."""
    def default(obj):
        if isinstance(obj, np.generic):
            return obj.item()
        return type(obj).__name__  # never a repr: it may hold a memory address
    return json.loads(json.dumps(value, sort_keys=True, default=default))


def _digest(data):
    return hashlib.sha256(data).hexdigest()[:12]


# Keras numbers unnamed layers per session (dense, dense_1, ...): configurations are compared
# without names, nor the wiring of nested models, which refers to layers by name.
_NAMING = frozenset({"name", "inbound_nodes", "input_layers", "output_layers"})


def _without_names(config):
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k not in _NAMING}
    if isinstance(config, (list, tuple)):
        return [_without_names(v) for v in config]
    return config


def _config(layer):
    try:
        return _without_names(layer.get_config())
    except NotImplementedError:  # a custom layer without get_config: its class still counts
        return {}


def _architecture(model):
    """``"<K> layers, <P> parameters, sha256 <12 hex digits>"`` for a Keras model.

    The digest covers each layer's class, configuration (without names) and weight shapes,
    in order.
    """
    layers = []
    for layer in model.layers:
        config = _config(layer)
        layers.append([type(layer).__name__, config, [list(w.shape) for w in layer.weights]])
    parameters = sum(int(np.prod(w.shape)) for w in model.weights)
    digest = _digest(json.dumps(_plain(layers), sort_keys=True).encode())
    return f"{len(model.layers)} layers, {parameters:,} parameters, sha256 {digest}"


def _optimizer(optimizer):
    return {"class": type(optimizer).__name__, **_without_names(optimizer.get_config())}


def _layer(layer):
    return None if layer is None else {"class": type(layer).__name__, **_config(layer)}


def _array(array, what):
    """``"<N> <what> <shape> <dtype>, sha256 <12 hex digits>"`` of an array's contents."""
    array = np.ascontiguousarray(array)
    digest = _digest(memoryview(array.reshape(-1).view(np.uint8)))
    shape = "x".join(map(str, array.shape[1:]))
    return f"{len(array):,} {what}{' ' + shape if shape else ''} {array.dtype}, sha256 {digest}"


def run_record(gan, x=None, y=None, batch_size=None, run=None):
    """What made a run, as a dict of JSON values; every checkpoint of the run stores it.

    Args:
        gan: a compiled ``gankit.gan.GAN``; read before any checkpoint is loaded into it.
        x: the training images given to ``fit``, ``float32 (N, 28, 28, 1)`` in [-1, 1]; of
            anything else (a ``tf.data.Dataset``, say) the record says "not recorded".
        y: the labels ``(N,)`` of a conditional GAN, or None.
        batch_size: the ``batch_size`` given to ``fit`` (Keras's default for arrays: 32).
        run: the caller's own fields, a dict of JSON values, e.g. ``{"setting": "quick",
            "recipe": "vanilla", "corruption": "gaussian", "fraction": 0.3}``; a key that is
            also derived here replaces the derived value.

    Returns:
        ``{"backend", "generator", "discriminator", "latent_dim", "num_classes",
        "d_optimizer", "g_optimizer", "label_smoothing", "corruption", "batch_size",
        "images", "labels", **run}``, and ``"update"`` when it is not ``"alternating"``. The
        optimizers and the corruption layer are their Keras configurations (learning rate,
        beta_1, ...); the networks and the data are summaries ending in a SHA-256 digest (first
        12 hex digits).
    """
    if run is not None and not (isinstance(run, dict) and all(isinstance(k, str) for k in run)):
        raise ValueError(f"run must be a dict with string keys (e.g. {{'setting': 'quick'}}), "
                         f"got {run!r}.")
    if getattr(gan, "d_optimizer", None) is None:
        raise ValueError("Compile the GAN before fit: gan.compile() (or build it with "
                         "gankit.recipes.make_gan, which compiles it).")
    is_array = isinstance(x, np.ndarray)
    record = {
        "backend": keras.backend.backend(),
        "generator": _architecture(gan.generator),
        "discriminator": _architecture(gan.discriminator),
        "latent_dim": getattr(gan, "latent_dim", None),
        "num_classes": getattr(gan, "num_classes", None),
        "d_optimizer": _optimizer(gan.d_optimizer),
        "g_optimizer": _optimizer(gan.g_optimizer),
        "label_smoothing": getattr(gan, "label_smoothing", None),
        "corruption": _layer(getattr(gan, "corruption", None)),
        "batch_size": batch_size if batch_size is not None or not is_array else 32,
        "images": _array(x, "images") if is_array else "not recorded (not a NumPy array)",
        "labels": _array(y, "labels") if isinstance(y, np.ndarray) else None,
    }
    if getattr(gan, "update", "alternating") != "alternating":  # older records lack the key
        record["update"] = gan.update
    record.update(run or {})
    try:
        json.dumps(record)
    except TypeError as error:
        raise ValueError(f"run must hold JSON values only (str, numbers, bool, None, lists, "
                         f"dicts): {error}.") from None
    return _plain(record)


class _Missing:
    def __repr__(self):
        return "(not given)"


MISSING = _Missing()  # a field one of two run records does not have


def differences(saved, now, _prefix=""):
    """``[(field, saved value, value now), ...]`` where two run records differ.

    Fields of nested dicts are dotted (``d_optimizer.learning_rate``); a field that one
    record lacks has the value ``MISSING`` there.
    """
    saved, now = _plain(saved), _plain(now)
    found = []
    for key in sorted(set(saved) | set(now)):
        old, new = saved.get(key, MISSING), now.get(key, MISSING)
        if isinstance(old, dict) and isinstance(new, dict):
            found += differences(old, new, f"{_prefix}{key}.")
        elif old != new:
            found.append((f"{_prefix}{key}", old, new))
    return found


def _show(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict) and "class" in value:  # a layer or an optimizer
        details = ", ".join(f"{k}={_show(v)}" for k, v in value.items()
                            if k not in ("class", "dtype", "trainable"))
        return f"{value['class']}({details})"
    return repr(value)


def check_resume(directory, saved_run, record, force=False):
    """Compare a checkpoint's run record with this run's; return the differences.

    Args:
        directory: the checkpoint folder (for the message).
        saved_run: the record in the checkpoint; record: this run's (``run_record``).
        force: resume although they differ (``load_into`` still refuses weights that do not
            fit the networks).

    Raises:
        CheckpointError: the records differ and ``force`` is False; the message lists each
            field, saved vs now, and says how to start fresh or resume on purpose.
    """
    diffs = differences(saved_run, record)
    if diffs and not force:
        lines = "\n".join(f"  {key}: saved {_show(old)}, now {_show(new)}"
                          for key, old, new in diffs)
        raise CheckpointError(
            f"The checkpoint in {directory} was made by a different run; these differ:\n"
            f"{lines}\nResuming it would continue that run with other settings. To start "
            f"fresh, use a new output folder or delete {directory}. To resume it on purpose "
            f"with what you have now, {FORCE_HINT}.")
    return diffs


# --- writing --------------------------------------------------------------------------------

def _fsync_folder(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its renames are durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_bytes(path, data):
    """Write ``data`` to ``path`` and flush it to disk."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fsync_file(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _describe(path):
    data = Path(path).read_bytes()
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _global_random_state():
    """NumPy's global random state, and PyTorch's on that backend (batch order, dropout)."""
    name, keys, pos, has_gauss, cached = np.random.get_state()
    state = {"numpy": [name, keys.tolist(), int(pos), int(has_gauss), float(cached)]}
    if keras.backend.backend() == "torch":
        import torch
        state["torch"] = torch.get_rng_state().tolist()
    return state


def set_global_random_state(state):
    """Restore what ``state.json``'s ``random_state`` holds (NumPy's, and PyTorch's)."""
    name, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((name, np.array(keys, dtype=np.uint32), pos, has_gauss, cached))
    if "torch" in state and keras.backend.backend() == "torch":
        import torch
        torch.set_rng_state(torch.tensor(state["torch"], dtype=torch.uint8))


def _nonfinite(weights_path):
    """Names of the floating-point arrays of an HDF5 weights file holding NaN or inf."""
    bad = []

    def visit(name, item):
        if isinstance(item, h5py.Dataset) and np.issubdtype(item.dtype, np.floating):
            if not np.all(np.isfinite(item[()])):
                bad.append(name)

    with h5py.File(weights_path, "r") as f:
        f.visititems(visit)
    return bad


def _leftovers(directory, keep=None):
    """Entries of ``directory`` that an interrupted write left: unnamed epoch folders and
    temporary manifests."""
    return [p for p in Path(directory).iterdir()
            if (_FOLDER.match(p.name) and p.name != keep) or _MANIFEST_TEMPORARY.match(p.name)]


def save(directory, gan, epoch, run):
    """Write the state of ``gan`` after ``epoch`` epochs as the checkpoint in ``directory``.

    Atomic: until the new ``checkpoint.json`` is in place the old checkpoint stays complete
    and in force (see the module docstring). Never touches a random generator.

    Args:
        directory: the checkpoint folder (created if missing).
        gan: a ``gankit.gan.GAN``.
        epoch: the epochs done, an integer >= 1.
        run: the run record (``run_record``), stored in the manifest.

    Returns:
        The manifest written, a dict.

    Raises:
        gankit.checks.TrainingDiverged: a weight or optimizer state is NaN or infinite; the
            old checkpoint is kept.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)  # from the OS, not from a generator that training uses
    name = f"epoch-{epoch:04d}-{token}"
    partial = directory / f"{name}.partial"
    partial.mkdir()
    weights = partial / WEIGHTS
    gan.save_weights(weights)
    with h5py.File(weights, "r+") as f:
        f.attrs[EPOCH_ATTRIBUTE] = epoch  # so a weights file from another epoch is caught
    bad = _nonfinite(weights)
    if bad:
        shutil.rmtree(partial, ignore_errors=True)
        raise TrainingDiverged(
            f"Training diverged in epoch {epoch}: the losses are finite but {len(bad)} saved "
            f"array(s) hold NaN or infinite values ({', '.join(bad[:3])}). The checkpoint in "
            f"{directory} keeps the last good epoch; resume from it with a lower learning rate.")
    _fsync_file(weights)
    state = {"epoch": epoch, "backend": keras.backend.backend(),
             "random_state": _global_random_state()}
    _write_bytes(partial / STATE, json.dumps(state).encode())
    files = {WEIGHTS: _describe(weights), STATE: _describe(partial / STATE)}
    _fsync_folder(partial)
    os.replace(partial, directory / name)
    _fsync_folder(directory)
    manifest = {"format": FORMAT, "version": VERSION, "epoch": epoch, "folder": name,
                "files": files, "run": run,
                "saved_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                    timespec="seconds")}
    temporary = directory / f"{MANIFEST}.{token}.tmp"
    _write_bytes(temporary, (json.dumps(manifest, indent=1) + "\n").encode())
    os.replace(temporary, directory / MANIFEST)  # the one step that moves to the new epoch
    _fsync_folder(directory)
    for path in _leftovers(directory, keep=name):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return manifest


# --- reading --------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Saved:
    """A verified checkpoint, as ``load`` returns it.

    Attributes:
        epoch: the epochs done, an integer >= 1.
        run: its run record (``run_record``).
        random_state: the global random state, for ``set_global_random_state``.
        weights: the path of its ``gan.weights.h5``, for ``load_into``.
        manifest: ``checkpoint.json`` as a dict.
    """

    epoch: int
    run: dict
    random_state: dict
    weights: Path
    manifest: dict


def _fresh_start_hint(directory):
    return (f"It cannot be resumed safely. To start fresh, delete the folder {directory} or "
            f"train into a new one (Checkpoint(..., resume=False) replaces it at the end of the "
            f"next epoch).")


def _damaged(directory, path, problem):
    return CheckpointError(f"The checkpoint in {directory} is damaged: {path} {problem}. "
                           + _fresh_start_hint(directory))


def _read_manifest(directory):
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        raise _damaged(directory, path, "is not valid JSON (cut short or overwritten)") from None
    except OSError as error:
        raise _damaged(directory, path, f"cannot be read ({error.strerror})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(directory, path, f"is not a gankit checkpoint manifest (no \"format\": "
                                        f"\"{FORMAT}\")")
    if manifest.get("version") != VERSION:
        raise CheckpointError(
            f"{path} is a checkpoint of format version {manifest.get('version')!r}; this "
            f"gankit reads version {VERSION}. Train with the gankit that wrote it, or start "
            f"fresh: delete {directory} or train into a new folder.")
    epoch, folder, files = manifest.get("epoch"), manifest.get("folder"), manifest.get("files")
    match = _FOLDER.match(folder) if isinstance(folder, str) else None
    if not (isinstance(epoch, int) and epoch >= 1):
        raise _damaged(directory, path, f"has no valid \"epoch\" (got {epoch!r})")
    if match is None or match.group(3):
        raise _damaged(directory, path, f"has no valid \"folder\" (got {folder!r})")
    if int(match.group(1)) != epoch:
        raise _damaged(directory, path, f"says epoch {epoch} but names the folder {folder} of "
                                        f"epoch {int(match.group(1))}: pieces of different epochs")
    if not (isinstance(files, dict) and set(files) == {WEIGHTS, STATE} and all(
            isinstance(f, dict) and isinstance(f.get("bytes"), int)
            and isinstance(f.get("sha256"), str) for f in files.values())):
        raise _damaged(directory, path, f"has no valid \"files\" (sizes and SHA-256 of "
                                        f"{WEIGHTS} and {STATE})")
    if not isinstance(manifest.get("run"), dict):
        raise _damaged(directory, path, "has no run record (\"run\")")
    return manifest


def _old_layout(directory):
    return [name for name in _OLD_LAYOUT if (directory / name).exists()]


def _foreign(directory):
    """Entries of a folder that neither a kit run nor a checkpoint writes."""
    return sorted(p.name for p in directory.iterdir()
                  if p.name not in KIT_NAMES and not _FOLDER.match(p.name)
                  and not _MANIFEST_TEMPORARY.match(p.name))


def check_checkpoint_folder(directory):
    """Refuse a checkpoint folder that is a file or holds someone else's files.

    Returns ``directory`` as a ``Path``; a folder that does not exist yet is fine.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise CheckpointError(f"The checkpoint folder {directory} is a file. Give Checkpoint a "
                              f"folder: a new one, or one that holds a gankit checkpoint.")
    if directory.is_dir() and not (directory / MANIFEST).exists():
        foreign = _foreign(directory)
        if foreign:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise CheckpointError(
                f"The checkpoint folder {directory} is not empty and holds no gankit checkpoint "
                f"({shown}). A checkpoint writes its files there and removes its own old ones; "
                f"give Checkpoint a new or empty folder.")
    return directory


def load(directory):
    """Read and verify the checkpoint in ``directory``; None when there is none yet.

    Nothing is loaded into a model: ``load_into`` does that once the run record is accepted.

    Returns:
        A ``Saved``, or None when the folder is missing, empty or holds only leftovers of an
        interrupted first write.

    Raises:
        CheckpointError: the folder is a file or someone else's, holds a checkpoint of an earlier
            gankit, or the checkpoint is damaged (cut short, altered, unreadable, non-finite
            weights, pieces of different epochs); the message names the file and the fix.
    """
    directory = check_checkpoint_folder(directory)
    if not (directory / MANIFEST).exists():
        old = _old_layout(directory)
        if old:
            raise CheckpointError(
                f"{directory} holds a checkpoint written by an earlier version of gankit "
                f"({', '.join(old)}): it has no checksums and no run record, so it cannot be "
                f"verified. To start fresh, delete the folder {directory} or train into a new "
                f"one (Checkpoint(..., resume=False) writes the new layout beside it).")
        return None
    manifest = _read_manifest(directory)
    epoch, folder = manifest["epoch"], directory / manifest["folder"]
    if not folder.is_dir():
        raise _damaged(directory, folder, f"is missing (checkpoint.json names it for epoch "
                                          f"{epoch})")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise _damaged(directory, path, "is missing")
        actual = _describe(path)
        if actual["bytes"] != expected["bytes"]:
            raise _damaged(directory, path, f"has {actual['bytes']:,} bytes where "
                                            f"checkpoint.json recorded {expected['bytes']:,} "
                                            f"(cut short or overwritten)")
        if actual["sha256"] != expected["sha256"]:
            raise _damaged(directory, path, "does not match the SHA-256 checksum recorded in "
                                            "checkpoint.json (altered after it was written)")
    state_path = folder / STATE
    try:
        state = json.loads(state_path.read_bytes())
        state_epoch, random_state = state["epoch"], state["random_state"]
        name, keys, pos, has_gauss, cached = random_state["numpy"]
        # a scratch generator takes the state, so the global one is never half set
        np.random.RandomState().set_state((name, np.array(keys, dtype=np.uint32), pos,
                                           has_gauss, cached))
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, IndexError):
        raise _damaged(directory, state_path, "is not a valid random-state file") from None
    if state_epoch != epoch:
        raise _damaged(directory, state_path, f"is from epoch {state_epoch} but checkpoint.json "
                                              f"says epoch {epoch}: pieces of different epochs")
    weights = folder / WEIGHTS
    try:
        with h5py.File(weights, "r") as f:
            weights_epoch = f.attrs.get(EPOCH_ATTRIBUTE)
        bad = _nonfinite(weights)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise _damaged(directory, weights, f"is not a readable HDF5 weights file "
                                           f"({str(error).splitlines()[0]})") from None
    if weights_epoch is None or int(weights_epoch) != epoch:
        raise _damaged(directory, weights, f"is from epoch {weights_epoch} but checkpoint.json "
                                           f"says epoch {epoch}: pieces of different epochs")
    if bad:
        raise CheckpointError(
            f"The checkpoint in {directory} cannot be resumed: {weights} holds NaN or infinite "
            f"values ({', '.join(bad[:3])}{', ...' if len(bad) > 3 else ''}), so the weights are "
            f"unusable. Start fresh: delete the folder {directory} or train into a new one, with "
            f"a lower learning rate if the run diverged.")
    return Saved(epoch, manifest["run"], random_state, weights, manifest)


def load_into(gan, saved, keep_learning_rates=False):
    """Load a verified checkpoint's weights (networks, optimizers, random states) into ``gan``.

    Args:
        keep_learning_rates: keep the learning rates ``gan``'s optimizers have now instead of
            the saved ones (a resume on purpose with a changed recipe trains on with it).

    Raises:
        CheckpointError: the weights do not fit ``gan`` (Keras's errors, and its warnings that
            it skipped part of the file); ``gan`` may then hold part of them: build it again.
    """
    rates = []
    if keep_learning_rates:
        for optimizer in (gan.d_optimizer, gan.g_optimizer):
            rate = optimizer.get_config().get("learning_rate")
            if isinstance(rate, (int, float)):  # a schedule is not a variable; it stays
                rates.append((optimizer, float(rate)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            gan.load_weights(saved.weights)
            error = None
        except Exception as raised:  # Keras raises ValueError, KeyError, ... on another model
            error = raised
    # Keras loads what fits and only warns about the rest ("Skipping variable loading ..."):
    # half a checkpoint must not pass for a whole one.
    skipped = [w for w in caught if "skipping" in str(w.message).lower()]
    for w in caught:
        if w not in skipped:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if error is not None or skipped:
        detail = [line for line in str(error or skipped[0].message).splitlines() if line.strip()]
        raise CheckpointError(
            f"{saved.weights} does not fit this GAN ({detail[-1].strip()}): it was saved from "
            f"a GAN built differently (other networks or optimizers, or a corruption layer with "
            f"its own random state added or removed). Build the GAN as the saved run did, or "
            f"start fresh: delete {saved.weights.parent.parent} or train into a new folder.")
    for optimizer, rate in rates:
        optimizer.learning_rate = rate


# --- run folders ----------------------------------------------------------------------------

def holds_run(path):
    """True when the folder ``path`` holds a run of the kit: a checkpoint (in it or in its
    ``checkpoint/``), or only files a kit run writes."""
    path = Path(path)
    if (path / MANIFEST).is_file() or (path / "checkpoint" / MANIFEST).is_file():
        return True
    return path.is_dir() and not _foreign(path)


def check_run_folder(path, force=False):
    """Refuse an output path that cannot be a run folder of the kit; cheap, run it first.

    Args:
        path: the output folder of a run (``--out``; ``gankit.training.train``'s ``out_dir``).
        force: use a non-empty folder that holds no run of the kit anyway (``--force``).

    Returns:
        ``path`` as a ``Path``; a folder that does not exist yet, or is empty, is fine.

    Raises:
        CheckpointError: ``path`` is a file (even with ``force``), or a non-empty folder that
            holds no run of the kit and ``force`` is False.
    """
    path = Path(path)
    existing = next(p for p in (path, *path.absolute().parents) if p.exists())
    if not existing.is_dir():
        where = "is a file" if existing == path else f"lies under a file, {existing}"
        raise CheckpointError(f"The output path {path} {where}, not a folder. Choose a "
                              f"folder for the run's files: a new one, or an earlier run's "
                              f"(--out on the command line).")
    if force or not path.is_dir() or holds_run(path):
        return path
    foreign = _foreign(path)
    shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
    raise CheckpointError(
        f"The output folder {path} is not empty and holds no gankit run ({shown}). Training "
        f"writes its files into it (log.csv, samples.png, checkpoint/, ...), so it refuses a "
        f"folder that may be someone else's. Choose a new or empty folder, or pass force=True "
        f"(on the command line: --force) to use this one anyway.")
