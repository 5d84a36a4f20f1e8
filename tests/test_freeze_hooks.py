"""The frozen app's runtime hooks, run here in a fresh interpreter as the bundle runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The hook first, as in the bundle; then every kind of plot item the charts use.
CHARTS_WITHOUT_QTOPENGL = """
import runpy, sys
runpy.run_path(sys.argv[1])
from PySide6.QtWidgets import QApplication
app = QApplication([])
import pyqtgraph as pg
assert not hasattr(sys.modules["PySide6.QtOpenGL"], "QOpenGLBuffer"), "not the stand-in"
plot = pg.PlotWidget()
plot.plot([0, 1, 2], [1, 3, 2], fillLevel=0, brush=(0, 0, 255, 60))
plot.addItem(pg.BarGraphItem(x0=[0, 0], y=[0, 1], height=0.5, width=[1, 2]))
plot.addItem(pg.InfiniteLine(1.0, angle=90))
plot.addItem(pg.ScatterPlotItem([1], [1]))
plot.resize(300, 200)
plot.show()
app.processEvents()
plot.grab()
print("drawn")
"""


def test_charts_draw_with_the_qtopengl_stand_in():
    """build.spec leaves PySide6.QtOpenGL out: pyqtgraph must still import and draw
    (a pyqtgraph that starts using QtOpenGL for plain plots fails here, not frozen)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    hook = ROOT / "freeze" / "rthook_no_qtopengl.py"
    result = subprocess.run(
        [sys.executable, "-c", CHARTS_WITHOUT_QTOPENGL, str(hook)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "drawn" in result.stdout
