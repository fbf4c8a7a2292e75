"""The "Open in Colab" links and the setup cells' pip address come from one configured address,
pyproject.toml's ``[project.urls] Repository`` (``scripts/colab_links.py`` writes them)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "colab_links.py"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


def configured(root=ROOT):
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["urls"]["Repository"]


def badge(url, name):
    return (f"[![Open In Colab]({BADGE_IMAGE})](https://colab.research.google.com/github/"
            f"{url.removeprefix('https://github.com/')}/blob/main/notebooks/{name}.ipynb)")


def links(*args, root=ROOT):
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=120)


def assert_built_from(root, url):
    readme = (root / "README.md").read_text()
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        cells = json.loads(path.read_text())["cells"]
        title = "".join(cells[0]["source"])
        assert title.startswith(badge(url, path.stem) + "\n\n# "), f"{path.name}: badge"
        setup = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
        assert f'"git+{url}")  # the default: ' in setup, f"{path.name}: setup cell's address"
        assert f"| {badge(url, path.stem)} |" in readme, f"README: no badge for {path.name}"


def test_every_notebook_and_the_readme_link_to_the_configured_repository():
    url = configured()
    assert url.startswith("https://github.com/")
    result = links("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert_built_from(ROOT, url)


def test_a_fork_changes_the_address_in_pyproject_and_runs_the_script_once(tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    pyproject = tmp_path / "pyproject.toml"
    fork = "https://github.com/someone/gankit-fork"
    pyproject.write_text(pyproject.read_text().replace(configured(), fork))

    stale = links("--check", root=tmp_path)
    assert stale.returncode == 1
    assert "out of date: README.md" in stale.stdout
    assert "out of date: notebooks/01_vanilla_gan.ipynb" in stale.stdout

    assert links(root=tmp_path).returncode == 0
    written = {path: path.read_text() for path in tmp_path.rglob("*") if path.is_file()}
    again = links(root=tmp_path)  # idempotent: a second run changes nothing
    assert again.returncode == 0 and "(0 file(s) changed)" in again.stdout
    assert {path: path.read_text() for path in written} == written
    assert links("--check", root=tmp_path).returncode == 0
    assert_built_from(tmp_path, fork)
    for path, text in written.items():
        if path.suffix == ".ipynb":
            assert configured() not in text.replace(fork, ""), f"{path.name}: the old address"


def test_an_address_colab_cannot_open_is_refused(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "gankit"\n[project.urls]\nRepository = "https://example.org/gankit"\n')
    result = links("--check", root=tmp_path)
    assert result.returncode != 0
    assert "Repository" in result.stderr and "https://github.com/<owner>/<repo>" in result.stderr


def test_the_site_scripts_import_only_what_the_site_environment_has():
    # build_site.py imports colab_links and execute_notebooks in .venv-site, which has no
    # gankit (requirements-site.txt): the standard library, each other, and what myst-nb brings.
    import ast
    import sys
    for name in ("colab_links", "execute_notebooks", "build_site"):
        tree = ast.parse((ROOT / "scripts" / f"{name}.py").read_text())
        imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module and not node.level}
        foreign = imported - set(sys.stdlib_module_names) - {
            "nbformat", "nbclient", "jupyter_cache", "colab_links", "execute_notebooks"}
        assert not foreign, f"scripts/{name}.py imports {sorted(foreign)}"
