"""Importing the figures costs nothing until a figure is drawn."""
import subprocess
import sys


def test_importing_the_figures_does_not_import_matplotlib():
    """Does a notebook's setup-cell import of every figure module leave matplotlib unloaded?"""
    code = ("import sys\nfrom convkit.figures import batch, channels, conv1d, conv2d, grid, stride, training\n"
            "print(sorted(name for name in sys.modules if name.startswith('matplotlib')))")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.strip() == "[]"
