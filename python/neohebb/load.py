"""A run directory read into NumPy arrays, pandas DataFrames and dicts.

Every piece is read when first asked for; a piece the directory lacks is None (a plain run has no
meta-learning metrics, a meta-learning run no networks), so nothing here raises for a missing
file. A file that is there but cannot be read raises, naming the file.
"""
import json
import re
import tomllib
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import NeohebbError

# The run-directory format this package reads (run.json's "format_version"; analysis/summary.json
# carries its own, since `neohebb analyze` rewrites analysis/ in an older run). Format 1 (no
# "format_version") stored every vector as an N x 1 column and a complex array as *_re/*_im.
FORMAT_VERSION = 2

_LIFETIME = re.compile(r"lifetime_(\d+)$")


@dataclass
class Network:
    """One lifetime's weights: W(post, pre) N x N, W_in N x inputs, W_out outputs x N, and W
    before learning. W is None for a lifetime that diverged (its final weights are not kept)."""

    W: np.ndarray = None
    W_in: np.ndarray = None
    W_out: np.ndarray = None
    W_initial: np.ndarray = None


def _json(file):
    if not file.is_file():
        return None
    try:
        with open(file, encoding="utf-8") as f:
            return json.load(f)
    except ValueError as e:
        raise NeohebbError(f"{file}: not valid JSON ({e})") from None


def _csv(file, index=None):
    if not file.is_file():
        return None
    table = pd.read_csv(file)
    if index is not None and index in table.columns:
        table = table.set_index(index)
    return table


def _npy(file):
    return np.load(file) if file.is_file() else None


def _toml(file):
    if not file.is_file():
        return None
    try:
        with open(file, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise NeohebbError(f"{file}: not valid TOML ({e})") from None


def _by_lifetime(folders):
    """{lifetime number: folder} for the lifetime_NNN folders among `folders`."""
    out = {}
    for f in folders:
        m = _LIFETIME.match(f.name)
        if m and f.is_dir():
            out[int(m.group(1))] = f
    return out


def _as_list(by_number, count):
    """A list indexed by lifetime, None where a lifetime has nothing."""
    n = max([count] + [k + 1 for k in by_number])
    return [by_number.get(k) for k in range(n)]


def _format_of(file, info):
    """The format a JSON file (run.json, analysis/summary.json) says it has; 1 before versions."""
    if info is None:
        return None
    version = info.get("format_version", 1)
    if not isinstance(version, int) or version < 1:
        raise NeohebbError(f"{file}: 'format_version' is {version!r}, not a positive integer")
    if version > FORMAT_VERSION:
        raise NeohebbError(
            f"{file}: run-directory format {version}, newer than this package reads "
            f"({FORMAT_VERSION}); install the package from the same neohebb as the run")
    return version


class Run:
    """A run directory (`neohebb run`, a meta-learning run, or a sweep) read lazily."""

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.is_dir():
            raise NeohebbError(f"{self.path}: not a run directory (no such directory)")
        if not any((self.path / f).is_file() for f in ("experiment.toml", "run.json", "sweep.csv")):
            raise NeohebbError(
                f"{self.path}: not a run directory (no experiment.toml, run.json or sweep.csv)")
        self.format_version = _format_of(self.path / "run.json", self.info)

    def __repr__(self):
        return f"neohebb.Run({str(self.path)!r}, format {self.format_version})"

    # --- what every run has

    @cached_property
    def info(self):
        """run.json: versions, seed, plugins, command line, timings (a dict)."""
        return _json(self.path / "run.json")

    @cached_property
    def experiment(self):
        """experiment.toml, the resolved experiment: every section, every default (a dict)."""
        return _toml(self.path / "experiment.toml")

    @cached_property
    def summary(self):
        """summary.json of a plain run (per lifetime: reward and fraction correct)."""
        return _json(self.path / "summary.json")

    @cached_property
    def conditions(self):
        """The names of the task's conditions, by the ids of learning_curve's `condition`."""
        return None if self.summary is None else self.summary.get("conditions")

    @cached_property
    def learning_curve(self):
        """learning_curve.csv: one row per lifetime and trial."""
        return _csv(self.path / "learning_curve.csv")

    @cached_property
    def theta(self):
        """The trace coefficients, pre-terms (rows, e.g. r^3) by post-terms (columns, e.g. d^3):
        the meta-learned theta.npy, or else the trace's own coefficients from run.json."""
        trace = (self.info or {}).get("trace") or {}
        values = _npy(self.path / "theta.npy")
        if values is None and trace.get("coefficients") is not None:
            values = np.array(trace["coefficients"], dtype=float)
        if values is None:
            return None
        values = np.atleast_2d(values)
        pre, post = trace.get("pre_terms"), trace.get("post_terms")
        if pre is None or post is None or (len(pre), len(post)) != values.shape:
            pre, post = range(values.shape[0]), range(values.shape[1])  # a run before the names
        return pd.DataFrame(values, index=pd.Index(list(pre), name="pre"),
                            columns=pd.Index(list(post), name="post"))

    # --- meta-learning runs

    @cached_property
    def meta(self):
        """meta_metrics.csv, indexed by meta_step: objective, correctness, gradient norm, ..."""
        return _csv(self.path / "meta_metrics.csv", index="meta_step")

    @cached_property
    def theta_history(self):
        """theta.csv, indexed by meta_step: the learnable coefficients after every step."""
        return _csv(self.path / "theta.csv", index="meta_step")

    @cached_property
    def gradient_snr(self):
        """gradient_snr.csv, indexed by meta_step."""
        return _csv(self.path / "gradient_snr.csv", index="meta_step")

    @cached_property
    def held_out(self):
        """held_out.csv (initial and learned theta on the same held-out lifetimes); with several
        tasks, a dict of each task's held_out_<task>.csv."""
        per_task = {f.stem[len("held_out_"):]: _csv(f)
                    for f in sorted(self.path.glob("held_out_*.csv"))}
        return per_task or _csv(self.path / "held_out.csv")

    @cached_property
    def tasks(self):
        """With several tasks: each task's resolved experiment (tasks/<task>.toml) as a dict."""
        folder = self.path / "tasks"
        if not folder.is_dir():
            return None
        return {f.stem: _toml(f) for f in sorted(folder.glob("*.toml"))}

    @cached_property
    def task_scales(self):
        """task_scales.csv of a run over several tasks."""
        return _csv(self.path / "task_scales.csv")

    # --- networks and their analyses

    @cached_property
    def networks(self):
        """networks[i]: lifetime i's Network (W, W_in, W_out, W_initial)."""
        folder = self.path / "networks"
        if not folder.is_dir():
            return None
        found = _by_lifetime(folder.iterdir())
        return [None if f is None else Network(**{a: _npy(f / f"{a}.npy") for a in
                                                  ("W", "W_in", "W_out", "W_initial")})
                for f in _as_list(found, 0)]

    @cached_property
    def analysis_summary(self):
        """analysis/summary.json: each analysis's scalars per lifetime, the condition names."""
        return _json(self.path / "analysis" / "summary.json")

    @cached_property
    def analysis(self):
        """analysis[i][name][array]: lifetime i's arrays of analysis `name`, e.g.
        analysis[0]["fixed_points"]["points"]; None for a lifetime the analyses skipped."""
        folder = self.path / "analysis"
        if not folder.is_dir():
            return None
        summary_file = folder / "summary.json"
        version = _format_of(summary_file, self.analysis_summary) or self.format_version or 1
        if version < FORMAT_VERSION:
            warnings.warn(
                f"{summary_file}: analyses in run-directory format {version}: read as stored "
                f"(vectors as N x 1 columns, complex arrays as *_re and *_im); "
                f"`neohebb analyze {self.path}` rewrites them in format {FORMAT_VERSION}",
                stacklevel=3)  # the line that asked for .analysis (through cached_property)
        found = _by_lifetime(folder.iterdir())
        count = len(self.networks or [])
        return [None if f is None else
                {a.name: {n.stem: np.load(n) for n in sorted(a.glob("*.npy"))}
                 for a in sorted(f.iterdir()) if a.is_dir()}
                for f in _as_list(found, count)]

    # --- sweeps

    @cached_property
    def sweep(self):
        """sweep.csv of a sweep directory, indexed by point: status, the grid's values, figures."""
        return _csv(self.path / "sweep.csv", index="point")

    def point(self, name):
        """The run of one point of a sweep (a name from sweep's index)."""
        return Run(self.path / str(name))


def load(path):
    """The run directory at `path` (a plain or meta-learning run, or a sweep) as a Run."""
    return Run(path)
