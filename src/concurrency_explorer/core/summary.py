"""Plain words for a finished run, shared by the window and the CLI."""

from __future__ import annotations

from typing import Any


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    return f"{n} {word}es" if word.endswith("ss") else f"{n} {word}s"


def unit_phrase(mode: str, n: int) -> str:
    """``"2 processes"``, ``"1 thread"``: how many of what a run of ``mode`` ran."""
    from .engines import engine_for

    engine = engine_for(mode)
    return _plural(n, engine.unit if engine is not None else "worker")


def _is_baseline(mode: str) -> bool:
    """The one-after-another mode (its engine says so): it claims no speedup."""
    from .engines import is_baseline_mode

    return is_baseline_mode(mode)


def headline(record: dict[str, Any]) -> str:
    """One sentence: what ran, how long it took, and how much faster than one at a time."""
    config = record["config"]
    workers = record["workers"]
    n = len(workers)
    baseline = _is_baseline(config["mode"])
    what = unit_phrase(config["mode"], n)
    if baseline:
        what += " one after another"
    if config.get("start_method"):
        what += f" ({config['start_method']})"
    wall = record.get("wall_s") or 0.0
    failed = [w for w in workers if w.get("state") == "failed"]
    stopped = [w for w in workers if w.get("state") == "stopped"]
    if failed:
        return f"{what} ran for {wall:.2f} s; {len(failed)} of {n} failed (see below)."
    if stopped and (record.get("stop") or {}).get("reason") == "timeout":
        return f"{what} timed out after {wall:.2f} s; {len(stopped)} of {n} did not finish."
    if stopped:
        verb = "were" if n > 1 else "was"
        return f"{what} {verb} stopped after {wall:.2f} s."
    sentence = f"{what} finished in {wall:.2f} s"
    speedup = record.get("speedup")
    if speedup and not baseline and not failed:
        # the figure is shown whether or not it is reliable; honesty() says which
        basis = record.get("speedup_basis")
        relation = "faster" if speedup >= 1 else "slower"
        factor = speedup if speedup >= 1 else 1 / speedup
        approx = "" if basis == "measured" else "about "
        sentence += f", {approx}{factor:.1f}x {relation} than one after another"
        if basis == "estimated":
            sentence += " (estimated from each worker's own work time)"
        elif record.get("speedup_reliable") is False:
            sentence += " (not reliable: see why below)"
    dropped = sum(w.get("dropped", 0) for w in workers)
    if dropped:
        sentence += f"; {dropped} progress messages dropped (queue full)"
    return sentence + "."


def worker_table(record: dict[str, Any]) -> str:
    """A fixed-width table of per-worker metrics."""
    header = (
        "id",
        "count",
        "left",
        "pid",
        "thread",
        "start ms",
        "wall s",
        "cpu s",
        "msgs",
        "dropped",
        "state",
    )
    rows = [header]
    for w in record["workers"]:
        latency = w.get("start_latency_s")
        rows.append(
            (
                str(w["id"]),
                str(w["count"]),
                str(w["final_remaining"]),
                str(w["pid"] or "-"),
                str(w["thread_id"] or "-"),
                "-" if latency is None else f"{latency * 1000:.1f}",
                "-" if w["wall_s"] is None else f"{w['wall_s']:.3f}",
                "-" if w["cpu_s"] is None else f"{w['cpu_s']:.3f}",
                str(w["messages"]),
                str(w["dropped"]),
                w.get("state", ""),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    return "\n".join(lines)


def failures(record: dict[str, Any]) -> str:
    """Tracebacks and exit reasons of failed workers, for a console or a dialog."""
    parts = []
    for w in record["workers"]:
        error = w.get("error")
        if not error:
            continue
        parts.append(f"worker {w['id']}: {error['type']}: {error['message']}")
        if error.get("traceback"):
            parts.append(error["traceback"].rstrip())
    return "\n".join(parts)


def honesty(record: dict[str, Any]) -> str:
    """How far the run's numbers may be trusted, in plain lines: cores used, the
    machine's load (a busy machine is called "busy", with the cores others used),
    and whether the speedup is reliable and why not."""
    from .reliability import busy_note

    lines = []
    used = record.get("cores_used")
    if used is not None:
        lines.append(f"cores used: {used:.2f} (the workers' CPU seconds / working wall time)")
    load = record.get("load") or {}
    if load:
        others = float(load.get("others_cores") or 0.0)
        line = f"busy from {load.get('busy_threshold_cores', 0.25)} of a core"
        if load.get("busy"):
            used_by = busy_note(load).removeprefix("the machine was busy: ")
            lines.append(f"machine: busy — {used_by} ({line})")
        else:
            total = load.get("cores", "?")
            used_by = f"other programs used {others:.1f} of {total} cores"
            lines.append(f"machine: quiet — {used_by} ({line})")
    if _is_baseline(record.get("config", {}).get("mode", "")) and "compare" not in record:
        lines.append("speedup: none claimed (this is the one-after-another baseline itself)")
    elif record.get("speedup") is not None:
        spread = record.get("speedup_range")
        figure = f"{record['speedup']:.2f}x {record.get('speedup_basis', '')}".rstrip()
        if spread:
            figure += f", {spread[0]:.2f}x to {spread[1]:.2f}x over the repeats"
        if record.get("speedup_reliable"):
            lines.append(f"speedup: {figure}, reliable")
        else:
            lines.append(f"speedup: {figure}, NOT reliable: {record.get('speedup_note', '')}")
    return "\n".join(lines)


def load_summary(loads: list[dict[str, Any] | None]) -> str:
    """One line on the machine's load over several runs (compare, sweep): "busy" named."""
    from .load import load_over_runs

    words = load_over_runs(loads)
    if words is None:
        return "machine: load not measured"
    if words.busy:
        return f"machine: busy — {words.text}; speedups marked ? are NOT reliable"
    return f"machine: quiet — {words.text}"
