"""Saved notebooks stay lecture-ready: numbered, no outputs, a title, the shared setup cell, short
markdown, minimal metadata that asks Colab for a GPU where a notebook trains, and files read
through the package rather than through paths of a checkout."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
TRAINING_NOTEBOOKS = {"01_vanilla_gan", "02_dcgan", "03_conditional_gan", "05_noise_robustness"}
# The long training cell of each notebook that promises to resume (README, "Google Colab").
RESUMABLE_TRAINING_CELLS = {"01_vanilla_gan": "train", "02_dcgan": "train",
                            "03_conditional_gan": "train"}
MAX_MARKDOWN_WORDS = 150
NOTEBOOK_METADATA = {"kernelspec", "language_info", "accelerator", "colab"}


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"])


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


COLAB_BADGE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)\n\n")


def markdown_words(text):
    """Words of a markdown cell, display math ($$ ... $$) and the Colab badge left out."""
    text = COLAB_BADGE.sub("", text)
    return re.findall(r"\S+", re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S))


def test_notebooks_are_numbered_in_sequence():
    numbers = [int(re.match(r"(\d\d)_", path.name).group(1)) for path in NOTEBOOKS]
    assert numbers == list(range(len(NOTEBOOKS))) and len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_saved_clean(path):
    notebook = load(path)
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown"
    title = COLAB_BADGE.sub("", source(cells[0]))
    assert title.startswith("# "), "the first cell is the H1 title (after its Colab badge)"
    for cell in code_cells(notebook):
        assert cell.get("outputs", []) == [], f"{path.name}: saved with outputs"
        assert cell.get("execution_count") is None, f"{path.name}: saved with execution counts"
    ids = [cell.get("id") for cell in cells]
    assert all(ids) and len(set(ids)) == len(ids), "stable, unique cell ids"
    assert all(re.fullmatch(r"[a-z0-9-]+", cell_id) for cell_id in ids), \
        "cell ids are readable names (lowercase, digits, dashes), not random strings"
    text = "\n".join(source(cell) for cell in cells if cell["cell_type"] == "markdown")
    assert re.search(r"^#+ Summary", text, re.M), "has a summary"
    assert re.search(r"^#+ Exercises", text, re.M), "has exercises"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_metadata_is_minimal_and_asks_colab_for_a_gpu_where_the_notebook_trains(path):
    notebook = load(path)
    assert (notebook["nbformat"], notebook["nbformat_minor"]) >= (4, 5), "cell ids need 4.5"
    metadata = notebook["metadata"]
    assert set(metadata) <= NOTEBOOK_METADATA, f"unexpected metadata {set(metadata) - NOTEBOOK_METADATA}"
    assert metadata["kernelspec"]["name"] == "python3"
    for cell in notebook["cells"]:
        assert cell.get("metadata", {}) == {}, f"{path.name}: cell {cell['id']} carries metadata"
    if path.stem in TRAINING_NOTEBOOKS:
        assert metadata.get("accelerator") == "GPU", "Colab: ask for a GPU runtime"
        assert metadata.get("colab", {}).get("gpuType"), "Colab: name the GPU type"
    else:
        assert "accelerator" not in metadata, "a notebook that trains nothing needs no GPU"


def test_every_notebook_has_the_same_setup_cell():
    setups = {path.name: source(code_cells(load(path))[0]) for path in NOTEBOOKS}
    first = next(iter(setups.values()))
    assert all(text == first for text in setups.values()), \
        "the setup cell is shared: change it in every notebook at once"
    assert "GANKIT_SOURCE" in first and "GANKIT_RUNS_DIR" in first
    assert "YOUR-ACCOUNT" not in first and "<you>" in first, \
        "no placeholder address that a run would try to install"
    assert 'GANKIT_SOURCE = ""' in first and "# the default: " in first, \
        "the learner's override starts empty; the default address follows (scripts/colab_links.py)"
    assert "import keras" not in first and re.search(r"^import gankit\b", first, re.M), \
        "the setup cell imports gankit (before keras: quiet TensorFlow start-up)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_imports_cell_describes_the_setting_and_imports_nothing_before_gankit(path):
    cells = code_cells(load(path))
    imports = source(cells[1])
    assert "config.describe()" in imports, "print gankit.config.describe() in the imports cell"
    assert "quick mode:" not in imports, "describe() says the setting and why"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_files_come_through_the_package_not_through_a_checkout(path):
    for cell in code_cells(load(path))[1:]:  # the setup cell may look for a checkout
        text = source(cell)
        for pattern in (r"\.parent\b", r"Path\.cwd\(\)", r"\.\./", r"benchmarks/results",
                        r"gankit/results", r"gankit/weights", r"open\(\s*['\"]"):
            assert not re.search(pattern, text), (
                f"{path.name}, cell {cell['id']}: {pattern!r} reads a file by a path of the "
                "checkout; read shipped files through gankit (gankit.results, gankit.evaluation)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_cells_are_short(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            words = len(markdown_words(source(cell)))
            assert words <= MAX_MARKDOWN_WORDS, (
                f"{path.name}, cell {cell['id']}: {words} words; split it (at most "
                f"{MAX_MARKDOWN_WORDS})")


def exercise_items(notebook):
    """The numbered exercises: from the "## Exercises" cell up to the next "## " heading."""
    texts, inside = [], False
    for cell in notebook["cells"]:
        text = source(cell)
        if cell["cell_type"] != "markdown":
            continue
        if text.startswith("## Exercises"):
            inside, text = True, text.split("\n", 1)[1]
        elif text.startswith("## "):
            inside = False
        if inside:
            texts.append(text.strip())
    return re.split(r"\n(?=\d+\. )", "\n".join(texts).strip())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_use_public_api_and_give_hints(path):
    items = exercise_items(load(path))
    assert len(items) >= 3 and all(re.match(r"\d+\. ", item) for item in items)
    for item in items:
        assert not re.search(r"\._[a-z]|`_[a-z]", item), f"private name in exercise: {item[:60]}"
        assert "*Hint:*" in item, f"{path.name}: an exercise without a hint: {item[:60]}"
        hint = item.split("*Hint:*", 1)[1]
        assert "`" in hint or "equilibrium" in hint, \
            f"{path.name}: the hint should name the API to use: {item[:60]}"


@pytest.mark.parametrize("name,cell_id", sorted(RESUMABLE_TRAINING_CELLS.items()))
def test_main_training_cells_checkpoint_under_the_runs_folder(name, cell_id):
    notebook = load(next(p for p in NOTEBOOKS if p.stem == name))
    cell = next(c for c in notebook["cells"] if c["id"] == cell_id)
    text = source(cell)
    assert "training.train(" in text and "out_dir=" in text, "train through training.train"
    assert "config.runs_dir()" in text and "settings.name" in text, \
        "checkpoint under runs_dir(), one folder per setting"
    assert "show=True" in text, "show the sample grid and losses while training runs"


def test_notebook_01_writes_and_runs_the_training_step():
    notebook = load(next(p for p in NOTEBOOKS if p.stem == "01_vanilla_gan"))
    code = {cell["id"]: source(cell) for cell in code_cells(notebook)}
    assert "inspect.getsource(" not in "".join(code.values()), "write the step, don't print it"
    step = code["step"]
    body = step[step.index("def train_step"):]
    lines = [line for line in body.splitlines() if line.strip()]
    assert len(lines) <= 26, f"the training step is {len(lines)} lines; keep it about 25"
    for phase in ("Generate", "Train the discriminator", "Train the generator"):
        assert phase in body, f"the step narrates '{phase}'"
    assert "d_optimizer.apply" in body and "g_optimizer.apply" in body
    assert "tf.function(train_step)" in code["epoch"], "an epoch is trained with the learner's step"
    assert "train_on_batch" in code["same-check"], "and checked against GAN's own step"
