"""Experiment files: round trip, atomic save, schemas, and a table of hostile files."""

from __future__ import annotations

import json
import os
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.experiment import (
    EXPERIMENT_SCHEMA,
    MAX_FILE_BYTES,
    RUN_SCHEMA,
    ExperimentError,
    experiment_dict,
    load_experiment,
    load_experiment_file,
    load_record,
    parse_json_bytes,
    save_experiment,
    schema,
    schema_problem,
)
from concurrency_explorer.core.runner import run_to_completion


def good_config() -> RunConfig:
    return RunConfig.build(
        mode="process", start_method="spawn", workers=2, counts=[10, 20], faults={1: "raise"}
    )


def good_data() -> dict:
    return experiment_dict(good_config())


def write(path, data) -> str:
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def with_config(**changes) -> dict:
    data = good_data()
    data["config"].update(changes)
    return data


def without(key: str) -> dict:
    data = good_data()
    del data[key]
    return data


def nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


# (id, content: bytes/str/JSON-able, words the message must contain)
HOSTILE = [
    ("top-level-list", [1, 2, 3], "JSON object"),
    ("top-level-string", '"hello"', "JSON object"),
    ("top-level-number", "42", "JSON object"),
    ("wrong-schema", {"schema": "something/else", "config": {}}, "not a Concurrency Explorer"),
    ("missing-schema", without("schema"), "not a Concurrency Explorer"),
    ("missing-config", without("config"), "config"),
    ("extra-top-key", {**good_data(), "surprise": 1}, "surprise"),
    ("extra-config-key", with_config(wrokers=2), "wrokers"),
    ("workers-as-string", with_config(workers="2"), "workers"),
    ("counts-as-string", with_config(counts="10,20"), "counts"),
    ("count-huge", with_config(counts=[10, 10**12]), "counts"),
    ("count-negative", with_config(counts=[10, -5]), "counts"),
    ("count-zero", with_config(counts=[0, 5]), "counts"),
    ("workers-negative", with_config(workers=-1), "workers"),
    ("workers-huge", with_config(workers=10**6), "workers"),
    ("workers-vs-counts", with_config(workers=3), "3 workers"),
    ("queue-negative", with_config(queue_size=-1), "queue_size"),
    ("bigint-5000-digits", '{"schema": 1, "n": ' + "9" * 5000 + "}", "acceptable JSON"),
    ("float-overflow", json.dumps(with_config(step_sleep_s=0.5)).replace("0.5", "1e400"), "sleep"),
    ("nan-literal", '{"schema": NaN}', "NaN"),
    ("infinity-literal", '{"config": {"step_sleep_s": Infinity}}', "Infinity"),
    ("minus-infinity", '{"config": {"step_sleep_s": -Infinity}}', "Infinity"),
    ("duplicate-keys", '{"schema": "a", "schema": "b"}', "duplicate key"),
    ("deep-lists-1e5", nested_lists(100_000), "nested"),
    ("deep-objects", '{"a":' * 50 + "1" + "}" * 50, "nested"),
    ("deep-but-parseable", with_config(counts=json.loads(nested_lists(40))), "nested"),
    ("not-utf8", b'{"schema": "\xff\xfe"}', "UTF-8"),
    ("utf16", json.dumps(good_data()).encode("utf-16"), "UTF-8"),
    ("empty", b"", "empty"),
    ("only-whitespace", b"  \n\t ", "empty"),
    ("truncated", json.dumps(good_data())[:40], "not valid JSON"),
    ("python-pickle", b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00.", "UTF-8"),
    ("python-literal", "{'schema': 'x'}", "not valid JSON"),
    ("unknown-mode", with_config(mode="fibers"), "unknown mode"),
    ("unknown-fault", with_config(faults={"1": "explode"}), "unknown fault"),
    ("fault-id-not-a-number", with_config(faults={"one": "raise"}), "faults"),
    ("echo-not-bool", with_config(echo="yes"), "echo"),
    ("config-null", {"schema": EXPERIMENT_SCHEMA, "config": None}, "config"),
    ("title-not-text", {**good_data(), "title": {"a": 1}}, "title"),
    ("stall-negative", {**good_data(), "stall_after_s": -1}, "stall_after_s"),
    ("record-bad-config", {"schema": RUN_SCHEMA, "config": {"workers": "x"}}, "run record"),
    ("record-no-config", {"schema": RUN_SCHEMA}, "run record"),
]


@pytest.mark.parametrize(
    ("content", "words"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_hostile_file_gives_one_clear_line(tmp_path, content, words):
    path = write(tmp_path / "experiment.json", content)
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    message = str(info.value)
    assert "\n" not in message and len(message) <= len(path) + 2 + 200, message
    assert message.startswith(path), message
    assert words.lower() in message.lower(), message


def test_file_of_100_mb_is_refused_by_size_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, nothing on disk
    opened = []
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a) or 1 / 0)
    with pytest.raises(ExperimentError, match="104,857,600 bytes"):
        load_experiment(path)
    assert not opened, "the file was opened although its size alone refuses it"


def test_a_file_that_grows_after_the_check_is_read_only_up_to_the_limit(tmp_path):
    path = tmp_path / "grows.json"
    path.write_bytes(b"[" + b" " * (MAX_FILE_BYTES + 10) + b"]")
    with pytest.raises(ExperimentError, match="bytes"):
        load_experiment(path)


def test_directory(tmp_path):
    with pytest.raises(ExperimentError, match="is a folder"):
        load_experiment(tmp_path)


def test_nonexistent_path(tmp_path):
    with pytest.raises(ExperimentError, match="No such file"):
        load_experiment(tmp_path / "nope.json")


def test_dev_zero_is_refused_without_reading():
    with pytest.raises(ExperimentError, match="not a regular file"):
        load_experiment("/dev/zero")


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result: list[BaseException] = []
    thread = threading.Thread(target=lambda: _capture(result, fifo), name="fifo-reader")
    thread.start()
    thread.join(5)
    if thread.is_alive():  # unblock the reader so the test can end, then fail
        with open(fifo, "wb"):
            pass
        thread.join(5)
        pytest.fail("loading a FIFO blocked")
    assert isinstance(result[0], ExperimentError) and "not a regular file" in str(result[0])


def _capture(result: list[BaseException], path) -> None:
    try:
        load_experiment(path)
    except BaseException as exc:
        result.append(exc)


def test_symlink_loop(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(ExperimentError, match="symbolic links"):
        load_experiment(a)


def test_unreadable_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    path = write(tmp_path / "locked.json", good_data())
    os.chmod(path, 0)
    with pytest.raises(ExperimentError, match="Permission denied"):
        load_experiment(path)


def test_round_trip_keeps_every_setting(tmp_path):
    config = good_config().replace(kind="io", step_sleep_s=0.002, queue_size=7, echo=True)
    path = save_experiment(tmp_path / "e.json", config, title="demo", stall_after_s=2.5)
    experiment = load_experiment_file(path)
    assert experiment.config == config
    assert experiment.title == "demo" and experiment.stall_after_s == 2.5
    assert json.loads(path.read_text())["schema"] == EXPERIMENT_SCHEMA


def test_a_symlink_to_a_good_file_loads(tmp_path):
    path = save_experiment(tmp_path / "e.json", good_config())
    link = tmp_path / "link.json"
    link.symlink_to(path)
    assert load_experiment(link) == good_config()


def test_save_is_atomic_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = save_experiment(tmp_path / "e.json", good_config())
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ExperimentError, match="No space left"):
        save_experiment(path, good_config().replace(kind="io"))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["e.json"], "temporary file left behind"


def test_save_into_a_missing_folder_is_one_line(tmp_path):
    with pytest.raises(ExperimentError, match="does not exist"):
        save_experiment(tmp_path / "no" / "e.json", good_config())


def test_a_run_record_loads_as_an_experiment_and_validates(tmp_path):
    config = RunConfig.build(mode="thread", workers=2, counts=[3, 4], kind="io")
    record = run_to_completion(config).record()
    assert schema_problem(record, "run") is None
    path = write(tmp_path / "record.json", record)
    assert load_record(path)["workers"][0]["count"] == 3
    assert load_experiment(path) == config
    broken = write(tmp_path / "broken.json", {"schema": RUN_SCHEMA, "config": config.to_dict()})
    assert load_experiment(broken) == config  # an experiment needs only the config
    with pytest.raises(ExperimentError, match="not a valid run record"):
        load_record(broken)


def test_schema_covers_every_config_key():
    """A RunConfig field the schema does not know would make saved files unloadable."""
    fields = set(RunConfig.FIELDS)
    properties = set(schema("experiment")["$defs"]["config"]["properties"])
    assert fields == properties
    assert set(good_config().to_dict()) == properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_ever_raise_experiment_error(data):
    try:
        parse_json_bytes(data)
    except ExperimentError as exc:
        assert "\n" not in str(exc)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
CONFIG_KEYS = sorted(schema("experiment")["$defs"]["config"]["properties"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from([*CONFIG_KEYS, "x"]), JSON_VALUES, max_size=6),
    st.booleans(),
)
def test_arbitrary_json_only_ever_raises_experiment_error(tmp_path_factory, config, wrap):
    data = {"schema": EXPERIMENT_SCHEMA, "config": config} if wrap else config
    path = tmp_path_factory.mktemp("h") / "e.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        loaded = load_experiment(path)
    except ExperimentError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(loaded, RunConfig)
