"""The settings: one switch (GANKIT_SETTING, with GANKIT_QUICK as a synonym), read in one place."""

import dataclasses

import pytest

import gankit
from gankit import config, recipes


@pytest.fixture
def no_switch(monkeypatch):
    monkeypatch.delenv("GANKIT_SETTING", raising=False)
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    return monkeypatch


@pytest.mark.parametrize("value, quick", [("1", True), ("true", True), ("YES", True),
                                          ("0", False), ("", False), ("off", False)])
def test_the_quick_switch_still_chooses_quick(no_switch, value, quick):
    no_switch.setenv("GANKIT_QUICK", value)
    no_switch.setattr(config, "gpu_seen", lambda: False)
    assert config.quick_mode() is quick
    assert (gankit.settings().name == "quick") is quick
    assert (gankit.settings() is config.QUICK) is quick


@pytest.mark.parametrize("name", ["quick", "laptop", "full", "LAPTOP"])
def test_gankit_setting_chooses_by_name(no_switch, name):
    no_switch.setenv("GANKIT_SETTING", name)
    assert gankit.settings() is config.BY_NAME[name.lower()]
    assert config.choose_setting() == (name.lower(), f"GANKIT_SETTING={name.lower()}")


@pytest.mark.parametrize("gpu, expected", [(True, "full"), (False, "laptop")])
def test_unset_chooses_by_the_device_and_says_why(no_switch, gpu, expected):
    no_switch.setattr(config, "gpu_seen", lambda: gpu)
    name, reason = config.choose_setting()
    assert name == expected and ("a GPU is visible" if gpu else "no GPU is visible") in reason
    assert gankit.settings() is config.BY_NAME[expected]
    assert f"setting: {expected} ({reason})" in config.describe()


def test_the_device_check_runs_on_this_backend(no_switch):
    assert config.gpu_seen() in (True, False)


@pytest.mark.parametrize("variable, value, message", [
    ("GANKIT_SETTING", "fast", "one of quick, laptop, full"),
    ("GANKIT_QUICK", "maybe", "set it to 1 for quick mode"),
])
def test_unknown_values_are_errors(no_switch, variable, value, message):
    no_switch.setenv(variable, value)
    with pytest.raises(ValueError, match=message):
        gankit.settings()


def test_quick_and_another_setting_disagree(no_switch):
    no_switch.setenv("GANKIT_QUICK", "1")
    no_switch.setenv("GANKIT_SETTING", "full")
    with pytest.raises(ValueError, match="unset one of them"):
        gankit.settings()


def test_quick_is_smaller_everywhere_and_full_uses_all_of_mnist():
    full, laptop, quick = config.FULL, config.LAPTOP, config.QUICK
    assert (full.n_train, full.n_test, full.n_samples) == (60_000, 10_000, 10_000)
    assert laptop.n_train == full.n_train and laptop.n_samples == full.n_samples
    assert quick.n_train < full.n_train and quick.n_samples < full.n_samples
    # Quick runs at least two epochs (a resume needs one to resume from), on a small subset.
    assert all(2 <= quick.epochs[m] <= laptop.epochs[m] <= full.epochs[m] for m in full.epochs)
    for setting in (full, laptop, quick):  # every model has its batch size in every setting
        assert set(setting.batch_size) == set(setting.epochs) == set(recipes.RECIPES)
    fields = [f.name for f in dataclasses.fields(full)]
    assert fields == [f.name for f in dataclasses.fields(quick)]
    assert set(quick.robustness.fractions) <= set(full.robustness.fractions)
    assert set(full.robustness.fractions) >= {0.0, 0.05, 0.10, 0.20, 0.30, 0.50, 0.75}
    assert quick.augmentation.total < laptop.augmentation.total == full.augmentation.total
    assert len(laptop.augmentation.seeds) <= len(full.augmentation.seeds)


def test_each_settings_sizes_reach_the_studies(no_switch):
    for name in config.SETTINGS:
        no_switch.setenv("GANKIT_SETTING", name)
        assert gankit.settings().robustness is config.BY_NAME[name].robustness
        assert gankit.settings().augmentation is config.BY_NAME[name].augmentation


def test_explicit_argument_overrides_the_environment(no_switch):
    no_switch.setenv("GANKIT_QUICK", "1")
    assert config.settings("full") is config.FULL
    assert config.settings("laptop") is config.LAPTOP
    with pytest.raises(ValueError, match="Unknown setting"):
        config.settings("huge")


def test_runs_dir_follows_its_variable(monkeypatch):
    monkeypatch.delenv("GANKIT_RUNS_DIR", raising=False)
    assert config.runs_dir() == "runs"
    monkeypatch.setenv("GANKIT_RUNS_DIR", "/content/drive/MyDrive/gankit-runs")
    assert config.runs_dir() == "/content/drive/MyDrive/gankit-runs"
