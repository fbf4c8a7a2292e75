"""The course site's sources: what scripts/build_site.py stages, without building the site.

The build itself and the browser check run in scripts/test.sh's site stage (they need
.venv-site and chromium, from scripts/setup_site.sh).
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
pytest.importorskip("nbclient", reason="the site's scripts use Jupyter's nbformat and nbclient")

import build_site  # noqa: E402
import colab_links  # noqa: E402

NAME = "00_data_and_noise"


def staged(key=None):
    text = build_site.staged_notebook(ROOT / "notebooks" / f"{NAME}.ipynb",
                                      colab_links.repository(), key or {"setting": "quick"})
    return json.loads(text)


def test_the_staged_notebook_runs_the_code_of_the_student_version():
    stored = json.loads((ROOT / "notebooks" / f"{NAME}.ipynb").read_text())
    code = [cell["source"] for cell in stored["cells"] if cell["cell_type"] == "code"]
    assert ["".join(cell["source"]) for cell in staged()["cells"]
            if cell["cell_type"] == "code"] == ["".join(source) for source in code]


def test_the_key_is_in_the_setup_cells_metadata():
    key = {"setting": "laptop", "sources_sha256": "0" * 64}
    setup = next(cell for cell in staged(key)["cells"] if cell["cell_type"] == "code")
    assert setup["metadata"][build_site.METADATA_KEY] == key


def test_the_title_cell_links_colab_and_the_download_without_a_remote_image():
    title = "".join(staged()["cells"][0]["source"])
    assert "colab-badge.svg" not in title and "![" not in title
    assert f"[Open in Colab]({colab_links.colab_url(colab_links.repository(), NAME)})" in title
    assert f"</downloads/{NAME}.ipynb>`" in title
    assert "\n# 00 " in title  # the heading is still the page's title


def test_the_key_follows_every_source_file_of_the_package(tmp_path):
    for name in build_site.KEYED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name,
                            ignore=shutil.ignore_patterns(*build_site.IGNORED))
        else:
            shutil.copy(source, tmp_path / name)
    before = build_site.sources_hash(tmp_path)
    cache = tmp_path / "gankit" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "x.cpython-311.pyc").write_bytes(b"compiled")
    assert build_site.sources_hash(tmp_path) == before, "__pycache__ must not change the key"
    with open(tmp_path / "gankit" / "plotting.py", "a") as f:
        f.write("# a comment\n")
    assert build_site.sources_hash(tmp_path) != before


def test_the_home_page_includes_the_readme_between_its_markers():
    index, readme = (ROOT / "docs" / "index.md").read_text(), (ROOT / "README.md").read_text()
    markers = re.findall(r":(?:start-after|end-before): (.+)", index)
    assert len(markers) == 3
    for marker in markers:
        assert readme.count(marker) == 1, f"README.md must hold {marker!r} once"


def test_the_staged_readme_has_no_remote_image():
    readme = build_site.staged_files([NAME], "quick")["README.md"].decode()
    assert not re.search(r"!\[[^\]]*\]\(https?:", readme)


def test_the_site_requirements_are_pinned():
    lines = [line for line in (ROOT / "requirements-site.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line) for line in lines)


@pytest.mark.parametrize("folder", ["build/site/quick", "build/site-quick", "_site"])
def test_the_site_is_not_tracked(folder):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", f"{folder}/index.html"], cwd=ROOT)
    assert ignored.returncode == 0, f"{folder} must be ignored by git"
