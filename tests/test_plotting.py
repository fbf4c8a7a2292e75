"""gankit.plotting: where figures go, what the helpers draw, and that nothing is left open."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from gankit import data, plotting


@pytest.fixture(autouse=True)
def figures(monkeypatch, tmp_path):
    """Every test saves into its own temporary figures folder."""
    monkeypatch.setenv("GANKIT_FIGURES_DIR", str(tmp_path / "figs"))
    return tmp_path / "figs"


def images(n=12):
    return np.random.default_rng(0).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def test_figures_dir_is_the_env_folder_created_on_demand(figures):
    assert not figures.exists()
    assert plotting.figures_dir() == figures and figures.is_dir()


def test_figures_dir_defaults_to_the_checkout(monkeypatch):
    monkeypatch.delenv("GANKIT_FIGURES_DIR")
    root = Path(plotting.__file__).resolve().parents[1]
    if not (root / "pyproject.toml").is_file():
        pytest.skip("gankit is installed, not run from a checkout")
    assert plotting.figures_dir() == root / "figures"


def test_figure_paths(figures, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fig = plotting.plot_grid(images(2))
    assert plotting.save_figure(fig, "a.png") == figures / "a.png"
    assert plotting.save_figure(fig, tmp_path / "x" / "b.png") == tmp_path / "x" / "b.png"
    assert plotting.save_figure(fig, "runs/c.png") == Path("runs/c.png")  # relative to the cwd
    assert (tmp_path / "runs" / "c.png").is_file() and (tmp_path / "x" / "b.png").is_file()


def test_save_figure_writes_a_png(figures):
    fig = plotting.plot_grid(images())
    path = plotting.save_figure(fig, "grid.png")
    assert path == figures / "grid.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match=r"\*\.png"):
        plotting.save_figure(fig, "grid.jpg")


def test_plot_grid_accepts_both_conventions_and_saves(figures):
    as_uint8 = images(23)
    fig_a = plotting.plot_grid(as_uint8, ncols=5, title="t", path="a.png")
    fig_b = plotting.plot_grid(data.to_model_range(as_uint8), ncols=5, path="b.png")
    shown_a = fig_a.axes[0].images[0].get_array()
    shown_b = fig_b.axes[0].images[0].get_array()
    assert shown_a.shape == (5 * 30 - 2, 5 * 30 - 2)  # 5 rows, 5 columns, 2-pixel gaps
    assert np.array_equal(shown_a, shown_b)
    assert np.array_equal(shown_a[30:58, 60:88], as_uint8[7])  # row 1, column 2
    assert shown_a.mask[28:30].all() and shown_a.mask[-28:, -58:].all()  # gaps, 2 empty tiles
    assert not shown_a.mask[-28:, :28].any()
    assert (figures / "a.png").is_file() and (figures / "b.png").is_file()


def test_plot_grid_labels_and_highlight():
    highlight = np.zeros(12, bool)
    highlight[[1, 5]] = True
    fig = plotting.plot_grid(images(12), ncols=4, row_labels=["a", "b", "c"],
                             col_labels=[1, 2, 3, 4], highlight=highlight)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4"]
    assert len(ax.patches) == 2


def test_plot_grid_draws_into_a_given_axes():
    fig, axes = plt.subplots(1, 2)
    try:
        assert plotting.plot_grid(images(4), ax=axes[1], title="right") is fig
        assert axes[1].get_title() == "right" and not axes[0].images
    finally:
        plt.close(fig)


@pytest.mark.parametrize("kwargs, match", [
    ({"images": np.zeros((0, 28, 28), np.uint8)}, r"empty \(N = 0\)"),
    ({"images": np.full((2, 28, 28), 3.0)}, r"\[-1, 1\]"),
    ({"ncols": 0}, "ncols"),
    ({"row_labels": ["x"]}, "row_labels has 1 labels but the grid has 2 rows"),
    ({"col_labels": ["x"]}, "col_labels"),
    ({"highlight": [True]}, "highlight"),
])
def test_plot_grid_errors(kwargs, match):
    arguments = {"images": images(12), "ncols": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        plotting.plot_grid(**arguments)


def test_figures_are_not_left_open_in_pyplot():
    before = plt.get_fignums()
    figures = [plotting.plot_grid(images()), plotting.plot_class_histogram(np.arange(10)),
               plotting.plot_pixel_histogram({"a": images()}),
               plotting.plot_grids_side_by_side({"a": images(), "b": images(3)})]
    assert all(isinstance(fig, Figure) for fig in figures)
    assert plt.get_fignums() == before


def test_plot_class_histogram_counts_every_class():
    labels = np.array([1, 1, 3, 3, 3, 5], np.uint8)
    fig = plotting.plot_class_histogram(labels)
    heights = [bar.get_height() for bar in fig.axes[0].patches]
    assert heights == [2, 0, 3, 0, 1]
    with pytest.raises(ValueError, match="integer"):
        plotting.plot_class_histogram(np.array([0.5, 1.0]))


def test_plot_pixel_histogram_is_normalised():
    dark = np.zeros((3, 28, 28), np.uint8)
    bright = np.full((50, 28, 28), 255, np.uint8)
    fig = plotting.plot_pixel_histogram({"dark": dark, "bright": bright})
    heights = [patch.get_data()[0] for patch in fig.axes[0].patches]
    assert [list(h) for h in heights] == [[1] + [0] * 31, [0] * 31 + [1]]
    assert fig.axes[0].get_yscale() == "log"
    with pytest.raises(ValueError, match="empty dict"):
        plotting.plot_pixel_histogram({})


def test_plot_grids_side_by_side(figures):
    mask = np.zeros(6, bool)
    mask[2] = True
    fig = plotting.plot_grids_side_by_side({"clean": images(6), "noisy": images(6)}, ncols=3,
                                           highlights={"noisy": mask}, path="side.png")
    assert [ax.get_title() for ax in fig.axes] == ["clean", "noisy"]
    assert [len(ax.patches) for ax in fig.axes] == [0, 1]
    assert (figures / "side.png").is_file()
    with pytest.raises(ValueError, match="not in grids"):
        plotting.plot_grids_side_by_side({"a": images(2)}, highlights={"b": [True, False]})
