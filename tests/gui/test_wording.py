"""Sentences about a run read as English: noun phrases, legend colours that exist."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QGridLayout, QWidget

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.engines import availability
from concurrency_explorer.core.metrics import WorkerState
from concurrency_explorer.gui import timeline_view
from concurrency_explorer.gui.wording import ran_phrase, workers_phrase
from concurrency_explorer.gui.worker_rows import WorkerRow

NEEDS_DASK = pytest.mark.skipif(not availability()["dask"][0], reason="dask extra not installed")


@pytest.mark.parametrize(
    ("mode", "workers", "python", "phrase"),
    [
        pytest.param("dask", 2, None, "2 workers on a Dask cluster", marks=NEEDS_DASK),
        # any interpreter that exists here (a Debian root may have no /usr/bin/python3)
        ("thread", 2, sys.executable, "2 threads under another Python"),
        ("sequential", 3, None, "3 workers one after another"),
        ("pool-thread", 2, None, "2 workers in a thread pool"),
        ("process", 1, None, "1 process"),
        ("thread", 1, None, "1 thread"),
    ],
)
def test_running_phrases_are_noun_phrases(mode, workers, python, phrase):
    config = RunConfig(mode=mode, workers=workers, counts=[10] * workers, python=python)
    assert workers_phrase(config) == phrase


def test_ran_phrases_say_how():
    assert (
        ran_phrase(RunConfig(mode="thread", workers=4, counts=[10] * 4))
        == "4 workers ran as threads"
    )
    assert (
        ran_phrase(RunConfig(mode="sequential", workers=2, counts=[10, 10]))
        == "2 workers ran one after another"
    )
    assert ran_phrase(
        RunConfig(mode="process", workers=2, counts=[10, 10], start_method="spawn")
    ) == ("2 workers ran as processes (spawn)")


def test_the_legend_names_the_colours_the_lanes_use():
    worker = WorkerState(0, 10, 0, state="done", t_request=0.5, t_started=0.75, t_end=2.0)
    colours = [colour for colour, _a, _b in timeline_view.lane_spans(worker, 0.0, 2.0)]
    assert colours[0] == timeline_view.WAIT_COLOUR  # light grey
    legend = timeline_view.LEGEND
    assert "Grey = waiting" in legend and "purple = starting" in legend
    assert "Purple = start-up" not in legend


def test_queued_workers_of_a_one_after_another_run_are_waiting(qtbot):
    holder = QWidget()
    qtbot.addWidget(holder)
    row = WorkerRow(QGridLayout(holder), 1, 3000)
    worker = WorkerState(1, 3000, 3000, state="starting")
    row.show_state(worker, processes=False, queued=True)
    assert row.state.text() == "waiting · 3,000 left"
    row.show_state(worker, processes=False, queued=False)
    assert row.state.text() == "starting · 3,000 left"
