"""Read neohebb's run directories into NumPy and pandas, and run neohebb from Python.

    import neohebb
    r = neohebb.load("runs/miconi")      # or neohebb.run("experiments/miconi_dnms.toml", ...)
    r.learning_curve, r.theta, r.networks[0].W, r.analysis[0]["fixed_points"]["points"]

docs/results-in-python.md describes every attribute.
"""
from .errors import NeohebbError
from .load import FORMAT_VERSION, Network, Run, load
from .run import find_binary, run

__all__ = ["FORMAT_VERSION", "Network", "NeohebbError", "Run", "find_binary", "load", "run"]
__version__ = "0.1.0"
