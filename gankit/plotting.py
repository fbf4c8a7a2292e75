"""The course's figures (notebook 00 on): image grids, class and pixel histograms, saving.

Every function returns a ``matplotlib.figure.Figure`` and never calls ``plt.show()``: in
Jupyter's inline backend pyplot keeps the figure so Jupyter shows it once, at the end of the
cell (end such a last line with ``;``); elsewhere pyplot never holds it (``new_figure``), so a
script that makes hundreds of figures piles up no windows: save them (``path=``,
``save_figure``) and open the PNGs.
"""

import os
from pathlib import Path

import numpy as np
import matplotlib
import matplotlib.pyplot as plt
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from gankit.checks import check_count, check_images
from gankit.data import to_uint8

FIGURES_ENV = "GANKIT_FIGURES_DIR"
TILE_INCHES = 0.45  # size of one 28x28 image in a grid, at scale=1
_GAP = 2  # pixels between two images of a grid


def figures_dir():
    """Where figures named without a folder go, created if missing: ``GANKIT_FIGURES_DIR``,
    else the checkout's ``figures/`` (the folder above the package holds ``pyproject.toml``),
    else ``./figures``."""
    if os.environ.get(FIGURES_ENV):
        folder = Path(os.environ[FIGURES_ENV]).expanduser()
    else:
        root = Path(__file__).resolve().parents[1]
        folder = root / "figures" if (root / "pyproject.toml").is_file() else Path("figures")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_figure(fig, name):
    """Save ``fig`` as a PNG and return its path: a bare file name goes into ``figures_dir()``,
    a path with a folder part (``runs/dcgan/samples.png``) is used as it is."""
    if Path(name).suffix.lower() != ".png":
        raise ValueError(f"save_figure writes PNG files; name the file '*.png', got {name!r}.")
    path = Path(name).expanduser()
    if path.parent == Path("."):
        path = figures_dir() / path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path


def plot_grid(images, ncols=10, title=None, row_labels=None, col_labels=None, path=None, ax=None,
              scale=1.0, highlight=None, show=True):
    """Images in a grid, row by row, white strokes on black as MNIST stores them.

    ``images``: uint8 ``(N, 28, 28[, 1])`` or model-range floats, N >= 1, ``ncols`` per row;
    ``row_labels`` one per row, ``col_labels`` one per column; ``path`` also saves the figure
    (``save_figure``); ``ax`` draws into that axes instead of a new figure, ``scale`` sizes a
    new one; ``highlight`` bool ``(N,)`` frames images in red (e.g. corrupted ones); ``show``
    False for a figure that is only saved (``new_figure``).
    """
    images = to_uint8(check_images(images, "plot_grid images"))
    n = len(images)
    ncols = min(check_count(ncols, "ncols", minimum=1), n)
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
    grey = colormaps["gray"].with_extremes(bad="white")  # the gaps between images are white
    ax.imshow(mosaic, cmap=grey, vmin=0, vmax=255, interpolation="nearest")
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
    """``plot_grid``s next to each other, one per entry of ``grids`` (title -> images);
    ``highlights``: title -> bool ``(N,)``, as ``highlight`` of ``plot_grid``."""
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


def plot_class_histogram(labels, title=None):
    """Bar chart of the images per class (integer ``labels (N,)``, N >= 1), every class from
    the smallest to the largest label, with the equal share as a dashed line."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a non-empty 1-D integer array, got {labels.dtype} "
                         f"{labels.shape}.")
    low, high = int(labels.min()), int(labels.max())
    classes = np.arange(low, high + 1)
    counts = np.bincount(labels.astype(np.int64) - low, minlength=len(classes))
    ax = new_figure(figsize=(max(4.0, 0.35 * len(classes)), 2.8), layout="constrained").add_subplot()
    ax.bar(classes, counts, color="tab:blue")
    ax.axhline(len(labels) / len(classes), color="black", linestyle="--", linewidth=1,
               label="equal share")
    ax.set_xticks(classes, [str(c) for c in classes])
    ax.set(xlabel="class", ylabel="images")
    ax.set_title(title or f"Images per class ({len(labels):,} in all)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return ax.figure


def plot_pixel_histogram(images_dict, title=None):
    """One curve per entry of ``images_dict`` (name -> images, as for ``plot_grid``): the share
    of its pixels in each of 32 bins over 0..255, on a log axis (most pixels are background)."""
    if not images_dict:
        raise ValueError("plot_pixel_histogram got an empty dict; pass {name: images}.")
    ax = new_figure(figsize=(6.0, 3.0), layout="constrained").add_subplot()
    edges = np.linspace(0, 256, 33)
    for name, images in images_dict.items():
        counts, _ = np.histogram(to_uint8(images), bins=edges)
        ax.stairs(counts / max(counts.sum(), 1), edges, label=str(name), linewidth=1.5)
    ax.set_yscale("log")
    ax.set_xlim(0, 256)
    ax.set(xlabel="pixel value (0 = black background, 255 = white stroke)",
           ylabel="fraction of pixels (log scale)")
    ax.set_title(title or "Pixel values", fontsize=10)
    ax.legend(fontsize=8)
    return ax.figure


def new_figure(show=True, **kwargs):
    """A new ``Figure`` (``kwargs`` as for ``matplotlib.figure.Figure``): made by pyplot, for
    Jupyter to show at the end of the cell, only under the inline backend and with ``show``."""
    if show and "inline" in matplotlib.get_backend():
        return plt.figure(**kwargs)
    return Figure(**kwargs)

