"""Data sets, each registered by name: ``load("adder")``, ``load("csv:path.csv")`` …

Importing this package registers every data set; scikit-learn is only imported when a
data set is loaded.
"""

from backprop_tui.data import adder, csvfile, images, mnist, regression, shapes2d, toy2d
from backprop_tui.data.base import Dataset, load, names, register

__all__ = ["Dataset", "load", "names", "register"]

del adder, csvfile, images, mnist, regression, shapes2d, toy2d
