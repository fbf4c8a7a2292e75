"""Write the student or the instructor version of every notebook, or check the committed one.

    python scripts/exercises.py student OUT_DIR     # solutions replaced by a stub
    python scripts/exercises.py solutions OUT_DIR   # the source, solutions in place
    python scripts/exercises.py --check             # notebooks/ is today's student version?

The source of each notebook is ``notebooks/solutions/NAME.ipynb``: every graded exercise's
solution sits between nbgrader's ``### BEGIN SOLUTION`` and ``### END SOLUTION`` markers.
The student version is made by nbgrader's own ``ClearSolutions`` preprocessor run through
nbconvert's ``NotebookExporter``: each marked region becomes ``# YOUR CODE HERE`` and
``raise NotImplementedError()``, indented as the solution was. ``notebooks/`` holds the student
version (what a learner opens in Colab); ``bash scripts/exercises.sh student notebooks``
rewrites it after the source changed, and ``--check`` (``tests/test_exercise_versions.py``)
fails when it is out of date. Needs nbgrader (``requirements.txt``).
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks" / "solutions"
STUDENT = ROOT / "notebooks"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def student_text(path):
    """The student version of the source notebook at ``path``, as the notebooks are stored."""
    from nbconvert.exporters import NotebookExporter
    from nbgrader.preprocessors import ClearSolutions
    from traitlets.config import Config

    config = Config()
    config.ClearSolutions.code_stub = {"python": STUB}
    # the notebooks carry no nbgrader cell metadata: the markers alone say where solutions are
    config.ClearSolutions.enforce_metadata = False
    exporter = NotebookExporter(config=config)
    exporter.register_preprocessor(ClearSolutions(config=config), enabled=True)
    text, _ = exporter.from_filename(str(path))
    notebook = json.loads(text)
    for cell in notebook["cells"]:
        cell["metadata"].pop("nbgrader", None)
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def sources():
    paths = sorted(SOURCE.glob("0*.ipynb"))
    if not paths:
        raise SystemExit(f"no source notebooks in {SOURCE}")
    return paths


def write(version, out):
    out.mkdir(parents=True, exist_ok=True)
    for path in sources():
        if version == "student":
            (out / path.name).write_text(student_text(path))
        else:
            shutil.copyfile(path, out / path.name)
        print(f"wrote {out / path.name} ({version})")


def stale():
    """Names of the notebooks in ``notebooks/`` that differ from their student version."""
    return [path.name for path in sources() if not (STUDENT / path.name).is_file()
            or (STUDENT / path.name).read_text() != student_text(path)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", choices=("student", "solutions"))
    parser.add_argument("out", nargs="?", type=Path, help="folder to write the notebooks to")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if notebooks/ is not the student version")
    args = parser.parse_args(argv)
    if args.check:
        names = stale()
        for name in names:
            print(f"out of date: notebooks/{name} is not the student version of "
                  f"notebooks/solutions/{name}; run `bash scripts/exercises.sh student notebooks`")
        return 1 if names else 0
    if not (args.version and args.out):
        parser.error("give a version (student or solutions) and an output folder, or --check")
    write(args.version, args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
