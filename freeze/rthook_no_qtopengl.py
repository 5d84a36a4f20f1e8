# PyInstaller runtime hook: an empty PySide6.QtOpenGL stands in for the real one.
#
# pyqtgraph's PlotCurveItem and PColorMeshItem import PySide6.QtOpenGL at module level
# but touch it only when OpenGL drawing is switched on (pg.setConfigOptions(useOpenGL=
# True)), which this app never does. The binding is 9 MB of the bundle, which
# build.spec leaves out. QtOpenGLWidgets stays (pyqtgraph subclasses its QOpenGLWidget
# at import; it loads with this stand-in), and so does the C++ libQt6OpenGL, which
# Qt's Wayland plugins link.
import sys
import types

sys.modules.setdefault("PySide6.QtOpenGL", types.ModuleType("PySide6.QtOpenGL"))
