"""Build the course site: every student notebook executed in one setting, with its outputs.

    bash scripts/build_site.sh [--setting quick|laptop] OUT_DIR [NAME ...]

(this script, run by ``.venv-site``'s Python; ``NAME ...`` builds a site of those notebooks only).
The site is Sphinx with myst-nb and the book theme (``docs/conf.py``): a home page from the
README (what the kit teaches, the notebook table, the shipped results), one page per notebook
of ``notebooks/`` (the student version) with its outputs, INSTRUCTORS.md, search, and on each
notebook page an "Open in Colab" link and the ``.ipynb`` as stored, to download. The links are
built from ``pyproject.toml``'s Repository (``scripts/colab_links.py``).

The notebooks run as ``scripts/execute_notebooks.py`` runs them: gankit pip-installed from this
checkout outside it (its ``install``), each notebook in a fresh Jupyter kernel with the kernel
environment of ``kernel_environment`` (the setting, runs and figures kept in the build folder).
The kernel is the kit's Python (``.venv``, or ``GANKIT_SITE_PYTHON``), not the site's.

Everything but the site lives in ``build/site/<setting>/``: the staged sources (``src``), the
installed package, Sphinx's own output, jupyter-cache's cache and, in ``executed/``, each
notebook as it ran (for ``scripts/check_site.py``). jupyter-cache keys a notebook
on its code cells (their source and metadata) and its kernelspec, so a notebook runs again only
when its code changes; the staging writes the hash of gankit's sources, ``pyproject.toml``,
``requirements.txt`` and the setting into the setup cell's metadata, so that a change to the
package runs every notebook again. The built site is then copied to OUT_DIR (replaced whole).
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

import colab_links
import execute_notebooks

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ("quick", "laptop")
# What the executed notebooks depend on besides their code: the package and its pins.
KEYED = ("gankit", "pyproject.toml", "requirements.txt")
IGNORED = ("__pycache__", "*.pyc", "*_samples.npz")  # not installed, or not the package's
METADATA_KEY = "gankit_site"
# Local files the README's included sections link to or show (the README is staged at the root).
LOCAL_TARGET = re.compile(r"\]\((?!https?:|#|mailto:)([^)\s#]+)")


def sources_hash(root=ROOT):
    """The sha256 of every file that the executed notebooks depend on besides their code."""
    digest = hashlib.sha256()
    for name in KEYED:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            relative = file.relative_to(root)
            if not file.is_file() or any(relative.match(pattern) or pattern in relative.parts
                                         for pattern in IGNORED):
                continue
            digest.update(str(relative).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def staged_notebook(path, url, key):
    """The notebook at ``path`` as the site shows it.

    Its Colab badge (a remote image) becomes a plain "Open in Colab" link beside a link that
    downloads the notebook as stored; ``key`` goes into the setup cell's metadata, which
    jupyter-cache hashes with the code.
    """
    notebook = nbformat.read(path, as_version=4)
    title = next(cell for cell in notebook.cells if cell.cell_type == "markdown")
    body = colab_links.BADGE.sub("", title.source, count=1).lstrip("\n")
    links = (f"[Open in Colab]({colab_links.colab_url(url, path.stem)}) · "
             f"{{download}}`Download the notebook ({path.name}) </downloads/{path.name}>`")
    title.source = f"{links}\n\n{body}"
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    setup.metadata[METADATA_KEY] = key
    return nbformat.writes(notebook) + "\n"


def check_the_cache_sees_the_key(path, url):
    """Stop unless jupyter-cache's hash of the notebook at ``path`` changes with the key in its
    setup cell (it hashes the code cells with their metadata; requirements-site.txt pins it)."""
    from jupyter_cache.cache.main import JupyterCacheBase

    cache = JupyterCacheBase(path.parent)  # creates nothing until it is used
    hashes = {cache.create_hashed_notebook(nbformat.reads(staged_notebook(path, url, key), 4))[1]
              for key in ({"sources_sha256": "a"}, {"sources_sha256": "b"})}
    if len(hashes) != 2:
        raise SystemExit("jupyter-cache no longer hashes the setup cell's metadata: a change "
                         "to gankit/ would not run the notebooks again (scripts/build_site.py)")


def staged_files(names, setting):
    """``{relative path: bytes}`` of every source file of the site."""
    url = colab_links.repository()
    key = {"setting": setting, "sources_sha256": sources_hash()}
    files = {}
    for name in names:
        path = ROOT / "notebooks" / f"{name}.ipynb"
        files[f"notebooks/{name}.ipynb"] = staged_notebook(path, url, key).encode()
        files[f"downloads/{name}.ipynb"] = path.read_bytes()
    files["index.md"] = (ROOT / "docs" / "index.md").read_bytes()
    # the notebook table's Colab column, on one line each
    readme = colab_links.text_links((ROOT / "README.md").read_text(), "Open\u00a0in\u00a0Colab")
    files["README.md"] = readme.encode()
    if (ROOT / "INSTRUCTORS.md").is_file():
        files["INSTRUCTORS.md"] = (ROOT / "INSTRUCTORS.md").read_bytes()
    for target in sorted(set(LOCAL_TARGET.findall(readme))):
        path = ROOT / target
        if path.is_file() and path.suffix not in (".md", ".ipynb"):
            files[target] = path.read_bytes()
    return files


def stage(src, files):
    """Write ``files`` under ``src``, each only if it changed (Sphinx rereads what did); remove
    the rest."""
    for path in sorted(src.rglob("*"), reverse=True):
        relative = path.relative_to(src).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for relative, data in files.items():
        path = src / relative
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def kernel(work, python):
    """A ``python3`` kernelspec under ``work/jupyter`` that runs the kit's ``python``; return
    the folder to put first on JUPYTER_PATH."""
    folder = work / "jupyter"
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (gankit)", "language": "python"}, indent=1) + "\n")
    return folder


def executed_copies(work, names):
    """Write each notebook as jupyter-cache holds it executed to ``work/executed/notebooks``;
    return ``work/executed``. (myst-nb's own ``jupyter_execute`` copy of a notebook taken from
    the cache has no outputs: it writes the notebook it read, not the one the cache filled.)"""
    from jupyter_cache import get_cache

    cache, folder = get_cache(str(work / ".jupyter_cache")), work / "executed"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "notebooks").mkdir(parents=True)
    for name in names:
        staged = nbformat.read(work / "src" / "notebooks" / f"{name}.ipynb", as_version=4)
        _, notebook = cache.merge_match_into_notebook(staged)
        nbformat.write(notebook, folder / "notebooks" / f"{name}.ipynb")
    return folder


def ran_elsewhere(executed, names, site):
    """The notebooks whose setup cell did not import gankit from ``site`` (the package installed
    as a learner's is), as ``tests/test_executed_notebooks.py`` checks CI's runs."""
    wrong = []
    for name in names:
        cells = nbformat.read(executed / "notebooks" / f"{name}.ipynb", as_version=4).cells
        setup = next(cell for cell in cells if cell.cell_type == "code")
        printed = "".join(output.get("text", "") for output in setup.get("outputs", []))
        if str(site / "gankit") not in printed:
            wrong.append(f"{name} (its setup cell printed {printed.strip()!r})")
    return wrong


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the site (replaced whole)")
    parser.add_argument("names", nargs="*", help="notebooks without .ipynb (default: all)")
    parser.add_argument("--setting", choices=SETTINGS, default="quick",
                        help="the setting the notebooks run in (default: quick)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out.is_dir() and any(out.iterdir()) and not (out / "searchindex.js").is_file():
        parser.error(f"{out} is not empty and holds no site: it would be replaced whole; "
                     "give a new folder or one an earlier build wrote")
    names = args.names or sorted(path.stem for path in (ROOT / "notebooks").glob("0*.ipynb"))
    missing = [name for name in names if not (ROOT / "notebooks" / f"{name}.ipynb").is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    python = Path(os.environ.get("GANKIT_SITE_PYTHON", ROOT / ".venv" / "bin" / "python"))
    if not python.is_file():
        parser.error(f"no kit Python at {python}: run `bash scripts/setup.sh` "
                     "(or set GANKIT_SITE_PYTHON)")
    started = time.perf_counter()
    work = ROOT / "build" / "site" / args.setting
    work.mkdir(parents=True, exist_ok=True)
    check_the_cache_sees_the_key(ROOT / "notebooks" / f"{names[0]}.ipynb", colab_links.repository())
    stage(work / "src", staged_files(names, args.setting))

    os.environ["GANKIT_SETTING"] = args.setting
    site = execute_notebooks.install(work)
    env = execute_notebooks.kernel_environment(work, site)
    (work / "figures").mkdir(exist_ok=True)
    env["GANKIT_FIGURE_LOG"] = str(work / "figures" / "site.jsonl")
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(kernel(work, python))] + ([env["JUPYTER_PATH"]] if env.get("JUPYTER_PATH") else []))
    partial = len(names) < len(list((ROOT / "notebooks").glob("0*.ipynb")))
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(ROOT / "docs"),
               "-d", str(work / "doctrees"), str(work / "src"), str(work / "html")]
    if not partial:  # a partial site's table links the notebooks it leaves out
        command[3:3] = ["-W", "--keep-going"]  # every warning fails the build
    print(f"== building the site ({args.setting} setting, {len(names)} notebook(s)) "
          f"in {work}", flush=True)
    # Sphinx never deletes the page of a notebook left out: write every page afresh (reading
    # them again costs little; the notebooks come from the cache)
    shutil.rmtree(work / "html", ignore_errors=True)
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        return result.returncode
    executed = executed_copies(work, names)
    wrong = ran_elsewhere(executed, names, site)
    if wrong:
        print("not run from the installed gankit: " + "; ".join(wrong), flush=True)
        return 1
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(work / "html", out, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    print(f"== site written to {out} in {time.perf_counter() - started:.0f} s "
          f"(the executed notebooks: {executed})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
