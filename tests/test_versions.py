"""The supported floor: declared once per file, tested by CI, enforced by ``import gankit``."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from gankit import versions

ROOT = Path(__file__).resolve().parents[1]


def declared_floors():
    """``{package: floor}`` from pyproject.toml's dependencies and extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    floors = {}
    for spec in specs:
        name, floor = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", spec).groups()
        floors[name.lower().replace("_", "-")] = floor
    return floors


def pins(name):
    """``{package: version}`` pinned by one requirements file."""
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            package, version = line.split("==")
            found[package.lower().replace("_", "-")] = version
    return found


def test_the_runtime_floor_is_the_declared_floor():
    declared = declared_floors()
    for package, minimum in versions.MINIMUM.items():
        assert declared.get(package) == minimum, (package, declared.get(package), minimum)


def test_every_declared_floor_is_a_version_ci_tests():
    environments = [pins(name) for name in
                    ("requirements.txt", "requirements-floor.txt", "requirements-notf.txt")]
    for package, floor in declared_floors().items():
        tested = [env[package] for env in environments if package in env]
        assert tested, f"{package} is declared but no CI environment installs it"
        assert all(versions._release(v) >= versions._release(floor) for v in tested), \
            (package, floor, tested)
        assert min(tested, key=versions._release) == floor, \
            f"{package}>={floor} is declared, but CI tests only {tested}"


def test_the_floor_environment_is_colabs_runtime():
    colab = {"tensorflow": "2.20.0", "keras": "3.13.2", "numpy": "2.1.3", "scipy": "1.16.3",
             "scikit-learn": "1.6.1", "matplotlib": "3.10.0", "h5py": "3.16.0",
             "tensorflow-datasets": "4.9.10", "jax": "0.7.2"}
    floor = pins("requirements-floor.txt")
    assert {name: floor.get(name) for name in colab} == colab


def test_versions_are_compared_by_their_release():
    assert versions._release("2.20.0rc1") == (2, 20, 0)
    assert versions._release("2.13.0+cpu") == (2, 13, 0)
    assert versions._release("3.10") == (3, 10, 0) < versions._release("3.13.2")
    with pytest.raises(ValueError, match="not a version"):
        versions._release("dev")


def test_only_the_active_backend_is_checked():
    old = {"keras": "3.15.1", "tensorflow": "2.16.1", "jax": "0.4.30"}
    assert versions.too_old(old, "jax") == [("jax", "0.4.30", "0.7.2")]
    assert versions.too_old(old, "tensorflow") == [("tensorflow", "2.16.1", "2.20.0")]
    assert versions.too_old(old, "torch") == []
    assert versions.too_old({"keras": "3.13.2", "jax": "0.7.2"}, "jax") == []


def test_too_old_names_the_version_the_floor_and_the_fix():
    with pytest.raises(ImportError) as error:
        versions.check({"keras": "3.10.0", "numpy": "2.4.0"}, "torch")
    message = str(error.value)
    assert "keras 3.10.0 (needs 3.13.2 or newer)" in message
    assert 'pip install -U "keras>=3.13.2"' in message
    assert "numpy" not in message


def test_this_environment_is_supported():
    assert versions.too_old() == []


def test_import_gankit_stops_at_once_below_the_floor(tmp_path):
    # A distribution record that says keras 3.10.0, found before the installed one.
    record = tmp_path / "keras-3.10.0.dist-info"
    record.mkdir()
    (record / "METADATA").write_text("Metadata-Version: 2.1\nName: keras\nVersion: 3.10.0\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    result = subprocess.run([sys.executable, "-c", "import gankit"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: gankit needs newer packages"), result.stderr[-2000:]
    assert "keras 3.10.0 (needs 3.13.2 or newer)" in last
    assert "Traceback" in result.stderr and "keras/src" not in result.stderr
