"""The results of the latest run, in plain words and numbers (text from core.summary)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from ..core import summary
from ..core.engines import engine_for, is_baseline_mode
from ..core.reliability import age_text, busy_note

COLUMNS = (
    ("worker", "Worker id"),
    ("pid", "Process id the worker ran in"),
    ("thread", "Native thread id"),
    ("count", "Steps to count down"),
    ("left", "Steps left at the end (0 = finished)"),
    ("start ms", "Start latency: start requested -> worker's first message"),
    ("wall s", "The worker's own wall-clock time, first to last message"),
    ("cpu s", "CPU time the worker's thread used; below wall when it waited or took turns"),
    ("msgs", "Messages it sent that arrived"),
    ("dropped", "Progress messages dropped: the queue was half full (the rest is kept for finals)"),
    ("state", "How it ended"),
)
REMEASURE_TIP = (
    "Time the same workload one after another again, right now, then run (Ctrl+Shift+B). "
    "A baseline kept from earlier was measured under whatever load the machine had then; "
    "a fresh one sees the same machine as the run."
)
REMEASURE_LINK = "remeasure-baseline"
BUSY_COLOUR = "#b03a2e"
CPU_SHARE_BUSY = 0.7  # below this, cpu workers were starved by other programs
LATE_P99_MS = 50.0  # issue 4's goal for the poll timer while 4 cpu threads run
MIN_TICKS_FOR_P99 = 100  # below this a p99 is just the slowest tick, often the first
ESCALATION_WORDS = {
    "event": "every worker saw the shared stop Event and ended on its own",
    "terminate": "some ignored the stop Event and got SIGTERM",
    "kill": "some ignored SIGTERM too and got SIGKILL",
}


def _fmt(value: float | None, scale: float = 1.0, digits: int = 3) -> str:
    return "-" if value is None else f"{value * scale:.{digits}f}"


def speedup_text(record: dict[str, Any]) -> str:
    """Which basis the speedup uses, in words, and how to get a measured one."""
    config = record["config"]
    wall = record.get("wall_s")
    if is_baseline_mode(config["mode"]):
        if record.get("ok") and wall:
            return (
                f"This one-after-another run is now the baseline: runs of the same counts and "
                f"kind measure their speedup against its {wall:.2f} s."
            )
        return "A one-after-another run only becomes a baseline when every worker finishes."
    speedup, basis = record.get("speedup"), record.get("speedup_basis")
    if not speedup or not wall:
        return ""
    if not record.get("ok"):
        return (
            "No speedup for a run that did not finish: only the same work, done to the end, "
            "compares with one after another."
        )
    if basis == "measured":
        baseline = (record.get("baseline") or {}).get("wall_s") or speedup * wall
        return (
            f"Speedup measured: the same counts one after another took {baseline:.2f} s, "
            f"this run {wall:.2f} s, so {speedup:.2f}x."
        )
    text = (
        f"Speedup estimated ({speedup:.2f}x): the workers' own work time (CPU time, plus "
        "sleeps for io) divided by the wall time. For a measured figure, tick "
        "\u201cTime one after another first\u201d and run again."
    )
    share = cpu_share(record)
    engine = engine_for(config["mode"])
    per_process = engine is not None and engine.process_per_worker
    if share is not None and share < CPU_SHARE_BUSY and per_process:
        text += (
            f" Careful: each process got only {share:.0%} of a core on average (other "
            "programs keep this machine busy), so this estimate is too low."
        )
    return text


def trust_html(record: dict[str, Any]) -> str:
    """How far this run's numbers may be trusted: the busy flag (in red, with the cores
    other programs used), cores used, reliability and why not, and a kept baseline's
    age and load with the offer to re-measure. The same rules as the CLI (core)."""
    parts = []
    load = record.get("load") or {}
    if load.get("busy"):
        note = html.escape(busy_note(load).removeprefix("the machine was busy: "))
        parts.append(
            f"<p style='color:{BUSY_COLOUR}'><b>Busy machine:</b> {note}. Whatever this run "
            "shows about parallelism may be the other programs' doing.</p>"
        )
    lines = []
    used = record.get("cores_used")
    if used is not None:
        lines.append(
            f"Cores used: {used:.2f} (the workers' CPU seconds over the working wall time; "
            "CPU-bound threads stay near 1 under the GIL whatever the load, processes "
            f"reach up to {load.get('cores') or '?'} here)."
        )
    if load and not load.get("busy"):
        lines.append(
            f"Machine quiet: other programs used {load.get('others_cores', 0.0):.1f} of "
            f"{load.get('cores', '?')} cores (busy from {load.get('busy_threshold_cores')})."
        )
    claims = not is_baseline_mode(record["config"].get("mode", "")) and (
        record.get("speedup") is not None
    )
    if claims and record.get("ok") and "speedup_reliable" in record:
        if record["speedup_reliable"]:
            lines.append("Speedup reliable: measured, on a quiet machine, within the ideal.")
        else:
            lines.append(f"Speedup shown but NOT reliable: {record.get('speedup_note', '')}.")
    baseline = record.get("baseline") or {}
    if baseline.get("reused"):
        then = baseline.get("load") or {}
        others = then.get("others_cores")
        under = "" if others is None else f", while other programs used {others:.1f} cores"
        lines.append(
            f"Baseline kept from {age_text(baseline.get('age_s') or 0.0)} ago{under}. "
            f"<a href='{REMEASURE_LINK}'>Re-measure it</a> (Ctrl+Shift+B)."
        )
    parts.extend(f"<p>{line}</p>" for line in lines)
    return "".join(parts)


def worker_python_text(record: dict[str, Any]) -> str:
    """Which interpreter ran the workers, GIL on or off (``worker_environment``)."""
    env = record.get("worker_environment")
    other = record["config"].get("python")
    if not env:
        if other:
            return f"Workers' Python: {other} never said which Python it is (did it start?)."
        return ""
    gil = env.get("gil_enabled")
    gil_text = (
        "GIL off: a free-threaded build, CPU-bound threads can run in parallel"
        if gil is False
        else "GIL on: one thread at a time runs Python code"
    )
    where = f"--python {other}" if other else env.get("executable") or "?"
    return (
        f"Workers' Python: {env.get('implementation') or 'Python'} {env.get('python') or '?'}, "
        f"{gil_text} ({where})."
    )


def cpu_share(record: dict[str, Any]) -> float | None:
    """Mean CPU time over wall time of cpu-kind workers: 1.0 = a whole core each."""
    if record["config"].get("kind") != "cpu":
        return None
    shares = [
        w["cpu_s"] / w["wall_s"]
        for w in record["workers"]
        if w.get("cpu_s") is not None and w.get("wall_s") and w.get("state") == "done"
    ]
    return sum(shares) / len(shares) if shares else None


def responsiveness_text(
    stats: dict[str, float], tick_ms: int, load: float | None = None, cores: int | None = None
) -> str:
    """What the poll timer's lateness says about the window, judged by the numbers themselves.

    The workers run outside the window's process, so they cannot take its GIL; but a
    window can still be slow on its own (charts, many rows) or on a busy machine, and
    the sentence must not claim "not starved" over a p99 that says otherwise.
    """
    ticks = int(stats.get("ticks", 0))
    if ticks == 0:
        return (
            f"Window responsiveness: the run ended before the {tick_ms} ms poll timer "
            "ticked twice, so there is nothing to measure."
        )
    p99, worst = stats.get("p99", 0.0), stats.get("max", 0.0)
    figures = f"p99 {p99:.0f} ms, at most {worst:.0f} ms late over {ticks} ticks"
    busy = ""
    if load is not None and cores:
        busy = f" (load {load:.1f} on {cores} cores)"
    often_late = p99 > LATE_P99_MS and (
        ticks >= MIN_TICKS_FOR_P99 or stats.get("p50", 0.0) > LATE_P99_MS
    )
    if often_late:
        return (
            f"Window responsiveness: the {tick_ms} ms poll timer was often late ({figures}; "
            f"the goal is p99 <= {LATE_P99_MS:.0f} ms). The workers ran outside the window's "
            "process, so they did not starve it of the GIL: the window itself was slow to "
            f"draw (its charts, many worker rows) or the machine was busy{busy}."
        )
    text = (
        f"Window responsiveness: the {tick_ms} ms poll timer kept time ({figures}): the "
        "workers ran outside the window's process, so they could not starve its GUI thread."
    )
    if worst > LATE_P99_MS:
        text += (
            f" Its slowest tick ({worst:.0f} ms late) was a pause of the window's own "
            f"(starting the run, building a chart, a garbage collection) or a busy "
            f"machine{busy}, not the workers."
        )
    return text


def record_html(record: dict[str, Any], notes: list[str] | None = None, caption: str = "") -> str:
    """Headline, explanations, a per-worker table and any tracebacks, as simple HTML;
    ``caption`` first: which run this is, when that is not plain (a scenario's)."""
    rows = []
    for w in record["workers"]:
        cells = (
            w["id"],
            w["pid"] or "-",
            w["thread_id"] or "-",
            f"{w['count']:,}",
            f"{w['final_remaining']:,}",
            _fmt(w.get("start_latency_s"), 1000, 1),
            _fmt(w["wall_s"]),
            _fmt(w["cpu_s"]),
            w["messages"],
            w["dropped"],
            w.get("state", ""),
        )
        rows.append(
            "<tr>" + "".join(f"<td align='right'>{html.escape(str(c))}</td>" for c in cells)
        )
    header = "".join(f"<th title='{html.escape(tip)}'>{name}</th>" for name, tip in COLUMNS)
    paragraphs = [speedup_text(record), worker_python_text(record)]
    queue = record.get("queue") or {}
    size = record["config"].get("queue_size")
    dropped = queue.get("dropped", sum(w.get("dropped", 0) for w in record["workers"]))
    if queue:
        bound = "unbounded" if not size else f"bounded at {size:,}"
        paragraphs.append(
            f"Queue ({bound}): {queue.get('messages', 0):,} messages read in "
            f"{queue.get('polls', 0):,} polls; {dropped:,} progress messages dropped "
            + (
                "because it was half full (its other half is kept for start and end messages)."
                if dropped
                else "(it never filled up)."
            )
        )
    stop = record.get("stop") or {}
    if stop.get("requested"):
        paragraphs.append(
            "Stop: " + ESCALATION_WORDS.get(stop.get("escalation", ""), "requested") + "."
        )
    paragraphs.extend(notes or [])
    parts = [f"<p><i>{html.escape(caption)}</i></p>"] if caption else []
    parts += [f"<p><b>{html.escape(summary.headline(record))}</b></p>", trust_html(record)]
    parts.extend(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
    parts.append(
        f"<table cellspacing='0' cellpadding='3' border='1'><tr>{header}</tr>{''.join(rows)}"
        "</table>"
    )
    failures = summary.failures(record)
    if failures:
        parts.append("<p><b>What went wrong</b> (the worker's traceback):</p>")
        parts.append(f"<pre style='color:#c0392b'>{html.escape(failures)}</pre>")
    return "".join(parts)


IDLE_TEXT = "Press Run (Ctrl+R) to start the workers; results appear here."
RUNNING_TEXT = "Running: the results appear here when the run ends (Esc stops it)."


class ResultsView(QTextBrowser):
    """Read-only results; its plain text always includes the wall time."""

    remeasureRequested = Signal()  # the "Re-measure it" link beside a kept baseline

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)  # a link here is an offer (re-measure), never a URL to open
        self.anchorClicked.connect(self._on_link)
        self.setObjectName("resultsView")
        self.setAccessibleName("Results")
        self.setPlaceholderText(IDLE_TEXT)
        self.record: dict[str, Any] | None = None

    def clear(self, running: bool = False) -> None:
        """Empty, with a hint that says whether a run is under way (no "Press Run" then)."""
        super().clear()
        self.record = None
        self.setPlaceholderText(RUNNING_TEXT if running else IDLE_TEXT)

    def show_record(
        self, record: dict[str, Any], notes: list[str] | None = None, caption: str = ""
    ) -> None:
        self.record = record
        self.setHtml(record_html(record, notes, caption))

    def _on_link(self, url: QUrl) -> None:
        if url.toString() == REMEASURE_LINK:
            self.remeasureRequested.emit()

    def show_message(self, text: str) -> None:
        self.record = None
        self.setHtml(f"<p>{html.escape(text)}</p>")
