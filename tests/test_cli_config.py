"""``run --config FILE`` / ``--save-config FILE``, and the argument parser under fuzzing."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concurrency_explorer.cli import main, run_cmd
from concurrency_explorer.core.experiment import load_experiment_file


def run_json(argv, capsys) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_save_config_then_run_from_it(tmp_path, capsys):
    path = tmp_path / "e.json"
    argv = ["run", "--mode", "thread", "--counts", "3,4", "--kind", "io"]
    first = run_json([*argv, "--stall-after", "2", "--save-config", str(path)], capsys)
    experiment = load_experiment_file(path)
    assert experiment.config.counts == (3, 4) and experiment.stall_after_s == 2.0
    again = run_json(["run", "--config", str(path)], capsys)
    assert again["config"] == first["config"]


def test_flags_override_the_file_even_when_equal_to_defaults(tmp_path, capsys):
    path = tmp_path / "e.json"
    assert main(["run", "--mode", "thread", "--counts", "3,4", "--save-config", str(path)]) == 0
    capsys.readouterr()
    # --kind cpu is the default value, yet typed, it must beat the file's io
    main(["run", "--mode", "thread", "--counts", "3,4", "--kind", "io", "--save-config", str(path)])
    capsys.readouterr()
    record = run_json(["run", "--config", str(path), "--kind", "cpu", "--count", "2"], capsys)
    assert record["config"]["kind"] == "cpu"
    assert record["config"]["counts"] == [2, 2]
    assert record["config"]["mode"] == "thread"  # not typed: the file's


def test_mode_flag_drops_the_files_start_method(tmp_path, capsys):
    path = tmp_path / "e.json"
    argv = ["run", "--mode", "process", "--start-method", "spawn", "--counts", "3,4"]
    assert main([*argv, "--save-config", str(path)]) == 0
    capsys.readouterr()
    record = run_json(["run", "--config", str(path), "--mode", "sequential"], capsys)
    assert record["config"]["mode"] == "sequential" and record["config"]["start_method"] is None


def test_counts_flag_sets_the_number_of_workers(tmp_path, capsys):
    path = tmp_path / "e.json"
    assert main(["run", "--mode", "thread", "--counts", "3,4", "--save-config", str(path)]) == 0
    capsys.readouterr()
    record = run_json(["run", "--config", str(path), "--counts", "1,2,3"], capsys)
    assert record["config"]["workers"] == 3


@pytest.mark.parametrize(
    ("content", "words"),
    [("[1]", "JSON object"), ("{", "not valid JSON"), (b"\xff", "UTF-8"), ("", "empty")],
)
def test_bad_config_file_exits_2_with_one_line(tmp_path, capsys, content, words):
    path = tmp_path / "e.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["run", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0] and "Traceback" not in err[0]


def test_workers_that_do_not_fit_the_files_counts_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "e.json"
    assert main(["run", "--mode", "thread", "--counts", "3,4", "--save-config", str(path)]) == 0
    capsys.readouterr()
    assert main(["run", "--config", str(path), "--workers", "3"]) == 2
    assert "give --count or --counts" in capsys.readouterr().err


def test_save_config_into_a_missing_folder_exits_2(tmp_path, capsys):
    assert main(["run", "--counts", "1,1", "--save-config", str(tmp_path / "x" / "e.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


# -- the parser under fuzzing ---------------------------------------------------------


class _WouldRun(Exception):
    """Raised instead of running workers: the argv was accepted."""


FLAGS = [
    "--mode", "--start-method", "--workers", "--count", "--counts", "--kind", "--queue-size",
    "--step-iterations", "--step-sleep", "--step-bytes", "--pool-size", "--fault",
    "--no-yield", "--stall-after", "--timeout", "--json", "--config", "--csv", "-h", "--x",
]  # fmt: skip
VALUES = [
    "0", "1", "2", "-1", "64", "65", "1e3", "nan", "inf", "10,20", "1,2,3", ",", "", "x",
    "thread", "process", "sequential", "asyncio", "fork", "spawn", "forkserver", "cpu", "io",
    "nogil", "0:raise", "1:hang", "9:kill", "a:b", "/dev/zero", "/nonexistent", ".",
    "\x00", "é", "--", "-",
]  # fmt: skip
TOKENS = st.sampled_from(FLAGS) | st.sampled_from(VALUES) | st.text(max_size=6)


@settings(
    max_examples=200,
    deadline=None,
    # capsys is read (and so reset) once per example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(["run", "info", "bogus", "--version", ""]),
    st.lists(TOKENS, max_size=8),
)
def test_arbitrary_argv_never_gives_a_traceback(monkeypatch_session, capsys, command, rest):
    argv = [command, *rest] if command else rest
    try:
        code = main(argv)
    except _WouldRun:
        code = 0  # accepted; running it is the runner's tests' business
    except SystemExit as exc:  # argparse's own --help / --version
        code = exc.code
    captured = capsys.readouterr()
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in captured.err, (argv, captured.err)
    if code == 2:
        assert len(captured.err.strip().splitlines()) == 1, (argv, captured.err)


@pytest.fixture(scope="module")
def monkeypatch_session():
    """Module-wide: no fuzzed argv may start workers or open the window."""
    patch = pytest.MonkeyPatch()

    def refuse(*args, **kwargs):
        raise _WouldRun

    patch.setattr(run_cmd, "run_to_completion", refuse)
    patch.setattr("concurrency_explorer.app.gui_main", refuse)
    yield patch
    patch.undo()
