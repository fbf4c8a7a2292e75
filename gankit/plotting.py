"""Figures used throughout the course: image grids, class and pixel histograms, and saving.

Every function returns a ``matplotlib.figure.Figure`` and never calls ``plt.show()``. In
Jupyter (the inline backend, as in Colab) the figure stays open in pyplot, so Jupyter shows it
once, at the end of the cell, wherever the call stands in the cell: end a cell whose last line
makes a figure with ``;`` (or assign the figure), or Jupyter shows it a second time as the
cell's value. Everywhere else pyplot never holds the figures (``new_figure``), so a script or
command that makes hundreds of them never piles up open windows or memory: save one
(``path=`` or ``save_figure``) and open the PNG. Functions that take ``ax=`` draw into an axes
you made yourself (with ``plt.subplots``, for example) and return its figure.

Figures are saved under ``figures_dir()``: the repository's ``figures/`` folder in a checkout,
``./figures`` otherwise, or the folder named by ``GANKIT_FIGURES_DIR``.
Introduced in notebook 00.
"""

import os
from pathlib import Path

import numpy as np
import matplotlib
import matplotlib.pyplot as plt
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from gankit.data import to_uint8

FIGURES_ENV = "GANKIT_FIGURES_DIR"
TILE_INCHES = 0.45  # size of one 28x28 image in a grid, at scale=1
_GAP = 2  # pixels between two images of a grid


def figures_dir():
    """The folder figures are saved to, created if missing.

    ``GANKIT_FIGURES_DIR`` if set; else ``figures/`` in the repository when gankit runs from a
    checkout (the folder above the package holds ``pyproject.toml``); else ``./figures``.
    """
    if os.environ.get(FIGURES_ENV):
        folder = Path(os.environ[FIGURES_ENV]).expanduser()
    else:
        root = Path(__file__).resolve().parents[1]
        folder = root / "figures" if (root / "pyproject.toml").is_file() else Path("figures")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def figure_path(name):
    """Where ``save_figure(fig, name)`` writes: a bare file name goes into ``figures_dir()``;
    a path with a folder part (absolute, or relative such as ``runs/dcgan/samples.png``) is
    used as it is, relative to the working directory. Missing folders are created."""
    path = Path(name).expanduser()
    if path.parent == Path("."):
        path = figures_dir() / path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def save_figure(fig, name, dpi=100):
    """Save ``fig`` as a PNG (``bbox_inches="tight"``) at ``figure_path(name)``; return the path."""
    if Path(name).suffix.lower() != ".png":
        raise ValueError(f"save_figure writes PNG files; name the file '*.png', got {name!r}.")
    path = figure_path(name)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def plot_grid(images, ncols=10, title=None, row_labels=None, col_labels=None, path=None, ax=None,
              scale=1.0, highlight=None, show=True):
    """Show images as a grid, row by row, in grey (white strokes on black, as MNIST stores them).

    Args:
        images: uint8 ``(N, 28, 28)`` in 0..255, or float ``(N, 28, 28[, 1])`` in [-1, 1]
            (converted with ``gankit.data.to_uint8``).
        ncols: images per row; the last row may be shorter.
        title: figure title.
        row_labels: one label per row (``ceil(N / ncols)`` of them), shown on the left.
        col_labels: one label per column (``ncols``), shown on top.
        path: also save the figure (see ``figure_path``).
        ax: draw into this axes instead of a new figure.
        scale: size multiplier of the new figure.
        highlight: optional bool ``(N,)``; images where it is True get a red frame
            (for example the corrupted images of ``gankit.studies.noise.make_noisy_dataset``).
        show: False for a figure that is only saved (``new_figure``).

    Returns:
        The ``Figure``.
    """

    images = to_uint8(images)
    n = len(images)
    if n == 0:
        raise ValueError("plot_grid got no images; pass at least one.")
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a whole number >= 1, got {ncols!r}.")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    if row_labels is not None and len(row_labels) != nrows:
        raise ValueError(f"row_labels has {len(row_labels)} labels but the grid has {nrows} rows "
                         f"({n} images, {ncols} per row); pass one label per row.")
    if col_labels is not None and len(col_labels) != ncols:
        raise ValueError(f"col_labels has {len(col_labels)} labels but the grid has {ncols} "
                         f"columns; pass one label per column.")
    if highlight is not None:
        highlight = np.asarray(highlight, dtype=bool)
        if highlight.shape != (n,):
            raise ValueError(f"highlight must be a bool array with one entry per image ({n}), "
                             f"got shape {highlight.shape}.")

    step = 28 + _GAP
    values = np.zeros((nrows * step - _GAP, ncols * step - _GAP), dtype=np.float32)
    gaps = np.ones(values.shape, dtype=bool)
    for i, image in enumerate(images):
        row, col = divmod(i, ncols)
        values[row * step:row * step + 28, col * step:col * step + 28] = image
        gaps[row * step:row * step + 28, col * step:col * step + 28] = False
    mosaic = np.ma.array(values, mask=gaps)

    own_figure = ax is None
    if own_figure:
        fig = new_figure(show, figsize=(ncols * TILE_INCHES * scale, nrows * TILE_INCHES * scale
                                        + (0.4 if title else 0.0)))
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.0, right=1.0, bottom=0.0, top=1.0 if not title else
                            1.0 - 0.4 / fig.get_figheight())
    fig = ax.figure
    cmap = _grey_cmap()
    ax.imshow(mosaic, cmap=cmap, vmin=0, vmax=255, interpolation="nearest")
    ax.set_xticks([] if col_labels is None else [c * step + 13.5 for c in range(ncols)],
                  [] if col_labels is None else [str(label) for label in col_labels])
    ax.set_yticks([] if row_labels is None else [r * step + 13.5 for r in range(nrows)],
                  [] if row_labels is None else [str(label) for label in row_labels])
    ax.xaxis.tick_top()
    ax.tick_params(length=0, labelsize=8)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if highlight is not None:
        for i in np.flatnonzero(highlight):
            row, col = divmod(i, ncols)
            ax.add_patch(Rectangle((col * step - 1, row * step - 1), 29, 29, fill=False,
                                   edgecolor="red", linewidth=1.5))
    if title:
        if own_figure:
            fig.suptitle(title, fontsize=10)
        else:
            ax.set_title(title, fontsize=10)
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_grids_side_by_side(grids, ncols=10, path=None, highlights=None, scale=1.0):
    """Several grids next to each other, titled by their keys (e.g. one per noise fraction).

    Args:
        grids: dict ``title -> images`` (each as for ``plot_grid``).
        ncols: images per row in each grid.
        path: also save the figure (see ``figure_path``).
        highlights: optional dict ``title -> bool (N,)``, framing images as in ``plot_grid``.
        scale: size multiplier.
    """
    if not grids:
        raise ValueError("plot_grids_side_by_side got an empty dict; pass {title: images}.")
    highlights = highlights or {}
    unknown = set(highlights) - set(grids)
    if unknown:
        raise ValueError(f"highlights has keys {sorted(unknown)} that are not in grids; use the "
                         f"same keys.")
    nrows = max(-(-len(images) // ncols) for images in grids.values())
    fig = new_figure(figsize=(len(grids) * (ncols * TILE_INCHES * scale + 0.3),
                          nrows * TILE_INCHES * scale + 0.5))
    axes = fig.subplots(1, len(grids), squeeze=False)[0]
    for ax, (name, images) in zip(axes, grids.items()):
        plot_grid(images, ncols=ncols, title=str(name), ax=ax, highlight=highlights.get(name))
        ax.set_anchor("N")
    fig.tight_layout()
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_class_histogram(labels, ax=None, title=None, names=None):
    """Bar chart of how many images each class has, with the uniform share as a dashed line.

    Args:
        labels: integer labels ``(N,)``; every class from the smallest to the largest label
            gets a bar, empty ones included.
        names: optional tick labels, one per class in that range (e.g. letters a..z).
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a non-empty 1-D integer array, got {labels.dtype} "
                         f"{labels.shape}.")
    low, high = int(labels.min()), int(labels.max())
    classes = np.arange(low, high + 1)
    counts = np.bincount(labels.astype(np.int64) - low, minlength=len(classes))
    if names is not None and len(names) != len(classes):
        raise ValueError(f"names has {len(names)} entries for {len(classes)} classes "
                         f"({low}..{high}); pass one name per class.")
    fig, ax = _figure_and_axes(ax, (max(4.0, 0.35 * len(classes)), 2.8))
    ax.bar(classes, counts, color="tab:blue")
    ax.axhline(len(labels) / len(classes), color="black", linestyle="--", linewidth=1,
               label="equal share")
    ax.set_xticks(classes, names if names is not None else [str(c) for c in classes])
    ax.set_xlabel("class")
    ax.set_ylabel("images")
    ax.set_title(title or f"Images per class ({len(labels):,} in all)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def plot_pixel_histogram(images_dict, bins=32, ax=None, log=True, title=None):
    """Overlay the normalised histograms of pixel values of several image sets.

    Args:
        images_dict: dict ``name -> images`` (uint8, or floats in [-1, 1], as for ``plot_grid``).
        bins: number of equal-width bins over 0..255 (float images are converted first).
        log: logarithmic y axis (most pixels of a digit are background, so the other bins
            would be invisible on a linear axis).

    Each curve is the fraction of all pixels of that set falling into each bin, so sets of
    different sizes can be compared.
    """

    if not images_dict:
        raise ValueError("plot_pixel_histogram got an empty dict; pass {name: images}.")
    fig, ax = _figure_and_axes(ax, (6.0, 3.0))
    edges = np.linspace(0, 256, bins + 1)
    for name, images in images_dict.items():
        counts, _ = np.histogram(to_uint8(images), bins=edges)
        ax.stairs(counts / max(counts.sum(), 1), edges, label=str(name), linewidth=1.5)
    if log:
        ax.set_yscale("log")
    ax.set_xlim(0, 256)
    ax.set_xlabel("pixel value (0 = black background, 255 = white stroke)")
    ax.set_ylabel("fraction of pixels" + (" (log scale)" if log else ""))
    ax.set_title(title or "Pixel values", fontsize=10)
    ax.legend(fontsize=8)
    return fig


def _figure_and_axes(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    fig = new_figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def new_figure(show=True, **kwargs):
    """A new figure (``kwargs`` as for ``matplotlib.figure.Figure``). In Jupyter, a figure to
    ``show`` is made by pyplot and left open, so Jupyter shows it at the end of the cell (and
    then closes it); elsewhere, or with ``show=False`` (a figure that is only saved), pyplot
    never holds it."""
    if show and "inline" in matplotlib.get_backend():
        return plt.figure(**kwargs)
    return Figure(**kwargs)


def _grey_cmap():
    return colormaps["gray"].with_extremes(bad="white")  # the gaps between images are white
