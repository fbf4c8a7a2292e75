"""benchmarks/quality.py: each setting writes its own results folder, so that a smoke run
never replaces the shipped quality table."""

import json
import sys

from benchmark_modules import load

from gankit import results


def test_each_setting_has_its_own_results_folder():
    quality = load("quality")
    assert quality.default_out("full") == results.FOLDER
    assert quality.default_out("laptop") == results.FOLDER / "laptop"
    assert "runs" in str(quality.default_out("quick"))


def run_quick(script, args, shipped_name, tmp_path, monkeypatch):
    """Run ``benchmarks/<script>.py --quick ARGS`` in ``tmp_path``; return what it wrote to
    ``runs/quality-quick/<shipped_name>``, after checking the shipped file is unchanged."""
    shipped = (results.FOLDER / shipped_name).read_bytes()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GANKIT_QUICK", "1")
    monkeypatch.setattr(sys, "argv", [f"{script}.py", "--quick", *args])
    load(script).main()
    assert (results.FOLDER / shipped_name).read_bytes() == shipped
    return json.loads((tmp_path / "runs" / "quality-quick" / shipped_name).read_text())


def test_a_quick_run_writes_beside_its_checkpoints_not_into_the_shipped_table(
        tmp_path, monkeypatch, capsys):
    row = run_quick("quality", ["--models", "ppca"], "ppca.json", tmp_path, monkeypatch)
    assert row["model"] == "ppca" and 1 <= row["classifier_score"] <= 10
    assert "| ppca |" in capsys.readouterr().out


def test_a_quick_augmentation_study_leaves_the_shipped_one_alone(tmp_path, monkeypatch):
    study = run_quick("augmentation", ["--seeds", "0"], "augmentation.json", tmp_path,
                      monkeypatch)
    assert study["settings"]["setting"] == "quick" and study["records"]
    assert (tmp_path / "runs" / "quality" / "quick" / "ccgan" / "checkpoint").is_dir()
