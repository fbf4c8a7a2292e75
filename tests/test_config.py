"""Quick mode: one switch, read in one place."""

import dataclasses

import pytest

import gankit
from gankit import config


@pytest.mark.parametrize("value, quick", [("1", True), ("true", True), ("YES", True),
                                          ("0", False), ("", False), ("off", False)])
def test_the_switch_chooses_the_setting(monkeypatch, value, quick):
    monkeypatch.setenv("GANKIT_QUICK", value)
    assert config.quick_mode() is quick
    assert gankit.settings().quick is quick


def test_unset_means_the_full_setting(monkeypatch):
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    assert gankit.settings() is config.FULL


def test_unknown_value_is_an_error(monkeypatch):
    monkeypatch.setenv("GANKIT_QUICK", "maybe")
    with pytest.raises(ValueError, match="set it to 1 for quick mode"):
        gankit.settings()


def test_quick_is_smaller_everywhere_and_full_uses_all_of_mnist():
    full, quick = config.FULL, config.QUICK
    assert (full.n_train, full.n_test, full.n_samples) == (60_000, 10_000, 10_000)
    assert quick.n_train < full.n_train and quick.n_samples < full.n_samples
    assert all(quick.epochs[m] < full.epochs[m] for m in full.epochs)
    assert set(quick.noise_fractions) <= set(full.noise_fractions)
    assert [f.name for f in dataclasses.fields(full)] == [f.name for f in dataclasses.fields(quick)]
    assert set(full.noise_fractions) >= {0.0, 0.05, 0.10, 0.20, 0.30, 0.50, 0.75}


def test_explicit_argument_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("GANKIT_QUICK", "1")
    assert config.settings(quick=False) is config.FULL
