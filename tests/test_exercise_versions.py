"""The two versions of the notebooks and their one source (scripts/exercises.py, README,
"Exercises"): ``notebooks/solutions/`` holds each notebook with its solutions between nbgrader's
markers; ``notebooks/`` holds the student version nbgrader's ``ClearSolutions`` makes of it and
must not fall out of step; every notebook has its graded exercises, each with a difficulty, a
time, a hint and a check of ``gankit.exercises``."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gankit import exercises

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "notebooks" / "solutions").glob("0*.ipynb"))
MINIMUM = {"00_data_and_noise": 2}  # every other notebook: 3
CHECK = re.compile(r"exercises\.(check_\w+)\((\w+)\)")


def cells(path, kind):
    return [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == kind]


def source(cell):
    return "".join(cell["source"])


def script():
    spec = importlib.util.spec_from_file_location("exercises_script", ROOT / "scripts" / "exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_notebook_has_a_source_and_a_student_version():
    names = sorted(path.name for path in (ROOT / "notebooks").glob("0*.ipynb"))
    assert names and names == [path.name for path in SOURCES]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_each_exercise_has_a_solution_a_check_a_difficulty_a_time_and_a_hint(path):
    code = {cell["id"]: source(cell) for cell in cells(path, "code")}
    markdown = {cell["id"]: source(cell) for cell in cells(path, "markdown")}
    exercise_ids = [cell_id for cell_id in code if cell_id.startswith("ex-")
                    and not cell_id.endswith("-check")]
    assert len(exercise_ids) >= MINIMUM.get(path.stem, 3), exercise_ids
    for cell_id in exercise_ids:
        solution, check, text = code[cell_id], code[f"{cell_id}-check"], markdown[f"{cell_id}-md"]
        assert solution.count("### BEGIN SOLUTION") == solution.count("### END SOLUTION") == 1
        function = re.search(r"^def (\w+)\(", solution, re.M)[1]
        found = CHECK.search(check)
        assert found and found[1] in exercises.__all__, f"{cell_id}: no check of gankit.exercises"
        assert found[2] == function and check.lstrip().find(f"{function} = ") >= 0, \
            f"{cell_id}: the cells below must use what the check returns ({function} = ...)"
        assert re.search(r"\*Difficulty:\* (easy|medium|hard)", text), f"{cell_id}: difficulty"
        assert re.search(r"\*Time:\* about \d+ min", text), f"{cell_id}: time estimate"
        assert "<details><summary>Hint</summary>" in text and "</details>" in text


def test_at_least_17_checks_in_all_and_each_used_once():
    used = [found[1] for path in SOURCES for cell in cells(path, "code")
            for found in CHECK.finditer(source(cell))]
    assert len(used) >= 17 and sorted(used) == sorted(exercises.__all__), used


def test_the_student_version_has_stubs_and_no_solutions():
    for path in SOURCES:
        student = ROOT / "notebooks" / path.name
        text = "\n".join(source(cell) for cell in cells(student, "code"))
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, student.name
        solved = sum(source(cell).count("### BEGIN SOLUTION") for cell in cells(path, "code"))
        assert text.count("# YOUR CODE HERE\n") == solved
        assert text.count("raise NotImplementedError()") == solved


needs_nbgrader = pytest.mark.skipif(importlib.util.find_spec("nbgrader") is None,
                                    reason="nbgrader (requirements.txt) writes the versions")


@needs_nbgrader
def test_the_committed_student_version_is_up_to_date():
    stale = script().stale()
    assert not stale, (f"{stale} differ from the student version of notebooks/solutions/; run "
                       "`bash scripts/exercises.sh student notebooks`")


@needs_nbgrader
def test_a_changed_source_makes_the_student_version_stale(tmp_path, monkeypatch):
    module = script()
    (tmp_path / "solutions").mkdir()
    for path in SOURCES:
        (tmp_path / "solutions" / path.name).write_text(path.read_text())
        (tmp_path / path.name).write_text((ROOT / "notebooks" / path.name).read_text())
    monkeypatch.setattr(module, "SOURCE", tmp_path / "solutions")
    monkeypatch.setattr(module, "STUDENT", tmp_path)
    assert module.stale() == []
    changed = tmp_path / "solutions" / SOURCES[1].name
    changed.write_text(changed.read_text().replace("return bce(fake_logits, 1.0)",
                                                   "return bce(fake_logits, 0.9)"))
    assert module.stale() == []  # a solution's change leaves the student version as it is
    changed.write_text(changed.read_text().replace("Graded exercise 2", "Graded exercise two"))
    assert module.stale() == [SOURCES[1].name]


@needs_nbgrader
def test_the_script_writes_both_versions_of_every_notebook(tmp_path):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for version in ("student", "solutions"):
        result = subprocess.run(["bash", str(ROOT / "scripts" / "exercises.sh"), version,
                                 str(tmp_path / version)], env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    for path in SOURCES:
        assert (tmp_path / "solutions" / path.name).read_text() == path.read_text()
        assert (tmp_path / "student" / path.name).read_text() == \
            (ROOT / "notebooks" / path.name).read_text()
