"""What every figure needs to size itself: quick or full, and this machine's step time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import bare

STEP_ITERATIONS = 20_000  # the app's default (RunConfig.step_iterations)


@dataclass
class BenchContext:
    quick: bool = False
    step_iterations: int = STEP_ITERATIONS
    step_s: float = field(default=0.0)
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)

    def calibrate(self) -> None:
        self.step_s = bare.step_seconds(self.step_iterations)

    def count_for(self, seconds: float) -> int:
        """Steps that make one worker's countdown take about ``seconds`` on one core."""
        if not self.step_s:
            self.calibrate()
        return max(1, round(seconds / self.step_s))

    def reps(self, full: int, quick: int = 2) -> int:
        return quick if self.quick else full
