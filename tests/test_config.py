"""RunConfig validation: one place that knows what a valid run is."""

from __future__ import annotations

import pytest

from concurrency_explorer.core.config import MAX_WORKERS, ConfigError, RunConfig


def test_defaults_are_valid_and_round_trip():
    config = RunConfig()
    again = RunConfig.from_dict({k: v for k, v in config.to_dict().items()})
    assert again.to_dict() == config.to_dict()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"workers": 0},
        {"workers": -1},
        {"workers": MAX_WORKERS + 1},
        {"workers": "2"},
        {"workers": True},
        {"count": 0},
        {"count": -5},
        {"count": 2.5},
        {"mode": "fiber"},
        {"kind": "gpu"},
        {"mode": "process", "start_method": "teleport"},
        {"mode": "thread", "start_method": "spawn"},
        {"queue_size": -1},
        {"counts": [1, 2, 3]},
        {"count": 1, "counts": [1, 2]},
        {"step_sleep_s": float("nan")},
        {"faults": {5: "raise"}},
        {"faults": {0: "explode"}},
    ],
)
def test_bad_values_raise_one_line_errors(kwargs):
    with pytest.raises(ConfigError) as info:
        RunConfig.build(**kwargs)
    assert "\n" not in str(info.value)


def test_from_dict_refuses_unknown_keys_and_wrong_types():
    with pytest.raises(ConfigError, match="unknown configuration keys"):
        RunConfig.from_dict({"workers": 2, "rm -rf": True})
    with pytest.raises(ConfigError):
        RunConfig.from_dict([1, 2])
    with pytest.raises(ConfigError):
        RunConfig.from_dict({"counts": "10,20"})


def test_from_dict_takes_counts_length_as_workers():
    config = RunConfig.from_dict({"counts": [10, 20, 30], "mode": "thread"})
    assert config.workers == 3 and config.counts == (10, 20, 30)
