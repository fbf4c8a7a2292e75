"""Honest text: every number in a notebook's markdown has a source.

A number in markdown is one of three kinds:

- a parameter, threshold or definition of the kit itself (``DEFINITIONS``: a learning rate, a
  dropout rate, a corrupted share that a cell then uses);
- a result of a cited publication (``PUBLISHED``): the study must be cited, by title and link,
  in that cell or an earlier one of the same notebook;
- a result shipped in ``gankit/results``: then the cell names the results file, and the number
  must agree with that file.

Anything else that a notebook measures is printed by its code, not typed into its text. The
studies the kit revisits are each cited once per notebook, by title and link, where the notebook
first mentions them.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RESULTS = ROOT / "gankit" / "results"

# The studies the kit revisits: the text that cites each (title, and link where it has one),
# and phrases that mention it. Names and links: the repositories' own titles.
STUDIES = {
    "robustness": {
        "citation": ["Studying the Robustness of GANs on Noisy Data using MNIST and EMNIST Datasets",
                     "https://github.com/SuchismitaSahu1993/Studying-the-Robustness-of-GANs-on-"
                     "Noisy-Data-using-MNIST-and-EMNIST-Datasets"],
        "mentions": [r"[Tt]he robustness study", r"[Oo]riginal study", r"Sahu"],
    },
    "vanilla-study": {
        "citation": ["Implementation of Vanilla GAN for MNIST Handwritten digits dataset",
                     "https://github.com/prasadsriram01/GAN"],
        "mentions": [r"prasadsriram01", r"3\.62", r"5\.05"],
    },
    "coursework": {
        "citation": ["Generative adversarial networks for generating numbers trained on the MNIST "
                     "dataset", "EE4-62", "https://github.com/martinferianc/GANs-EIE4"],
        "mentions": [r"[Cc]oursework", r"EE4-62"],
    },
    "mlp-report": {
        "citation": ["Generation of Handwritten Digits using GAN"],
        "mentions": [r"95 of 100", r"MLP GAN report"],
    },
}

# Results of publications, as the notebooks quote them, and the study each comes from.
PUBLISHED = {
    "3.62": "vanilla-study", "5.05": "vanilla-study",             # entropy, one image each
    "94.8%": "coursework", "97.6%": "coursework",                 # CCGAN accuracy without / with smoothing
    "98.8%": "coursework",                                        # its classifier; all-real augmentation
    "1.5": "coursework",                                          # points gained beyond 64 PPCA components
    "3%": "robustness", "14%": "robustness",                      # 2,000 and 10,000 added EMNIST images
    "400 epochs": "robustness",
    "95 of 100": "mlp-report", "200 epochs": "mlp-report",
}

# Parameters, thresholds and definitions: numbers the kit chooses, not results it measured.
DEFINITIONS = {
    "0.1": "label smoothing; a noise std in an exercise",
    "0.2": "LeakyReLU slope",
    "0.25": "default noise std (gankit.studies.noise)",
    "0.3": "dropout rate",
    "0.5": "D(x) at equilibrium; a noise std; a cleaning threshold",
    "0.9": "the smoothed real target, 1 - 0.1",
    "0.99": "a cleaning threshold in an exercise",
    "1%": "class coverage: a class counts when it makes up at least 1% of the samples",
    "90%": "the recognisable fraction's confidence threshold",
    "9.0": "the score a robustness study's generator must reach (tests/test_robustness_shipped.py)",
    "0.90": "the recognisable fraction it must reach, with that score",
    "14.3%": "10,000 / 70,000, the share of added letters, computed in the text",
    **{f"{share}%": "a corrupted or real share that a cell then uses"
       for share in (0, 5, 10, 20, 30, 50, 75, 100)},
}

NUMBER = re.compile(
    r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?\s?%"       # 12%, 97.6%, 1,000%
    r"|\d+ of \d+"                                    # 95 of 100
    r"|\d+(?:\.\d+)? (?:epochs|minutes|hours|seconds)"  # 200 epochs, 86 minutes
    r"|\d+\.\d+)(?![\w])")                            # 3.62


def markdown_cells(path):
    notebook = json.loads(path.read_text())
    return [(cell["id"], "".join(cell["source"])) for cell in notebook["cells"]
            if cell["cell_type"] == "markdown"]


def prose(text):
    """The text a reader reads as prose: math, code and link targets left out."""
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def numbers(text):
    return [re.sub(r"\s+", " ", found).replace(" %", "%") for found in NUMBER.findall(prose(text))]


def renderings(value):
    """The ways a notebook could write a results value (3 or more significant digits)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return set()
    forms = {f"{value:.1%}", f"{value:.2%}"} if 0 < value < 1 else set()
    forms |= {f"{value:.1f}", f"{value:.2f}", f"{value:.3f}"}
    return {form for form in forms if len(re.sub(r"\D", "", form).lstrip("0")) >= 3}


def leaves(tree):
    if isinstance(tree, dict):
        for value in tree.values():
            yield from leaves(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from leaves(value)
    else:
        yield tree


def results_renderings():
    files = sorted(RESULTS.glob("**/*.json")) + [ROOT / "gankit" / "weights" / "reference_scores.json"]
    return {path.name: set().union(*(renderings(v) for v in leaves(json.loads(path.read_text()))))
            for path in files if path.exists()}


RESULT_FORMS = results_renderings()


def test_results_files_are_found():
    assert "ccgan.json" in RESULT_FORMS and RESULT_FORMS["ccgan.json"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_markdown_number_has_a_source(path):
    cited = set()
    for cell_id, text in markdown_cells(path):
        cited |= {key for key, study in STUDIES.items()
                  if all(part in text for part in study["citation"])}
        files = {name for name in RESULT_FORMS if name in text}
        for number in numbers(text):
            where = f"{path.name}, cell {cell_id}: {number!r}"
            if number in PUBLISHED:
                study = PUBLISHED[number]
                assert study in cited, (
                    f"{where} comes from the {study} study, which this notebook has not cited "
                    f"(title and link) by this cell")
                continue
            typed_result = {name for name, forms in RESULT_FORMS.items() if number in forms}
            if files:
                assert number in DEFINITIONS or typed_result & files, (
                    f"{where} is not in {sorted(files)}, the results file(s) the cell cites")
                continue
            assert not typed_result, (
                f"{where} is a value of {sorted(typed_result)}: print it from gankit.results "
                "with code (or name the file in the cell), don't type it")
            assert number in DEFINITIONS, (
                f"{where} has no source: print measured numbers with code, cite a publication "
                "(PUBLISHED), or add a parameter of the kit to DEFINITIONS with its reason")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_studies_are_cited_once_by_title_and_link_where_first_mentioned(path):
    cells = markdown_cells(path)
    for key, study in STUDIES.items():
        mentioning = [i for i, (_, text) in enumerate(cells)
                      if any(re.search(pattern, prose(text)) for pattern in study["mentions"])
                      or all(part in text for part in study["citation"])]
        citing = [i for i, (_, text) in enumerate(cells)
                  if all(part in text for part in study["citation"])]
        if not mentioning:
            continue
        first = cells[mentioning[0]][0]
        assert citing, f"{path.name}: the {key} study is mentioned (cell {first}) but never cited"
        assert citing[0] <= mentioning[0], (
            f"{path.name}: cite the {key} study (title and link) where it first appears, "
            f"cell {first}, not later in cell {cells[citing[0]][0]}")
        link = study["citation"][-1]
        count = sum(text.count(link) for _, text in cells)
        assert count == 1, f"{path.name}: the {key} study is cited {count} times; cite it once"


def test_the_numbers_the_issue_found_unsourced_are_gone():
    # Scores for 50 and 100 DCGAN epochs and a 92% conditional accuracy that no results file
    # records: they must not come back as typed numbers.
    for path in NOTEBOOKS:
        for cell_id, text in markdown_cells(path):
            for number in ("92%", "79.6%", "99.15%", "6.9", "8.0", "9.7", "63%", "76%", "98%"):
                assert number not in numbers(text), f"{path.name}, cell {cell_id}: {number}"
