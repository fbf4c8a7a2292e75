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


def test_a_quick_run_writes_beside_its_checkpoints_not_into_the_shipped_table(
        tmp_path, monkeypatch, capsys):
    quality = load("quality")
    shipped = (results.FOLDER / "ppca.json").read_bytes()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GANKIT_QUICK", "1")
    monkeypatch.setattr(sys, "argv", ["quality.py", "--quick", "--models", "ppca"])
    quality.main()
    row = json.loads((tmp_path / "runs" / "quality-quick" / "ppca.json").read_text())
    assert row["model"] == "ppca" and 1 <= row["classifier_score"] <= 10
    assert (results.FOLDER / "ppca.json").read_bytes() == shipped
    assert "| ppca |" in capsys.readouterr().out


def test_a_quick_augmentation_study_leaves_the_shipped_one_alone(tmp_path, monkeypatch):
    augmentation = load("augmentation")
    shipped = (results.FOLDER / "augmentation.json").read_bytes()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GANKIT_QUICK", "1")
    monkeypatch.setattr(sys, "argv", ["augmentation.py", "--quick", "--seeds", "0"])
    augmentation.main()
    study = json.loads((tmp_path / "runs" / "quality-quick" / "augmentation.json").read_text())
    assert study["settings"]["setting"] == "quick" and study["records"]
    assert (tmp_path / "runs" / "quality" / "quick" / "ccgan" / "checkpoint").is_dir()
    assert (results.FOLDER / "augmentation.json").read_bytes() == shipped
