"""The README table: the latest saved results as Markdown (``python -m benchmarks --markdown``)."""

from __future__ import annotations

from typing import Any

from .harness import Figure, fmt


def markdown(doc: dict[str, Any]) -> str:
    """A Markdown table of one saved run, headed by the machine it ran on."""
    machine = doc.get("machine", {})
    load = machine.get("load_average") or []
    load0 = machine.get("load_average_at_start")
    loads = f", load average {load0:.1f} at the start" if load0 is not None else ""
    if load:
        loads += f"{' and' if loads else ', load average'} {load[0]:.1f} at the end"
    head = (
        f"Measured {doc.get('created', '?')} on {machine.get('cpu_count', '?')} cores, "
        f"{machine.get('implementation', 'Python')} {machine.get('python', '?')}"
        + loads
        + f"; {'quick' if doc.get('quick') else 'full'} run, {doc.get('elapsed_s', '?')} s."
    )
    rows = [
        "| figure | value | goal | status |",
        "| --- | ---: | --- | --- |",
    ]
    for item in doc.get("figures", []):
        figure = Figure(
            item["group"], item["name"], item["value"], item["unit"], item.get("goal", "")
        )
        goal = figure.goal.replace("<=", "≤").replace(">=", "≥") if figure.goal else "-"
        rows.append(
            f"| {figure.group}: {figure.name} | {fmt(figure.value, figure.unit)} | {goal} "
            f"| {figure.status} |"
        )
    return head + "\n\n" + "\n".join(rows) + "\n"
