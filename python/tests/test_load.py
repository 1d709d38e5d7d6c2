"""neohebb.load on run directories made here (meta-learning, several tasks, sweeps, broken) and on
one written by neohebb before run-directory format 2 (data/format1_run)."""
import json
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import neohebb

FORMAT1_RUN = Path(__file__).parent / "data" / "format1_run"


class TempDir(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="neohebb-test-"))
        self.addCleanup(shutil.rmtree, self.dir)

    def write(self, name, text):
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path


class MetaRun(TempDir):
    """A meta-learning run's files as neohebb writes them (docs/meta-learning.md)."""

    def setUp(self):
        super().setUp()
        self.write("experiment.toml", '[experiment]\nname = "m"\n[trace]\ntype = "monomial"\n')
        self.write("run.json", json.dumps({
            "format_version": 2, "name": "m",
            "trace": {"pre_terms": ["1", "r", "r^2"], "post_terms": ["1", "d"],
                      "coefficients": [[0, 0], [0, 1], [0, 0]]}}))
        np.save(self.dir / "theta.npy", np.arange(6.0).reshape(3, 2))
        self.write("meta_metrics.csv", "meta_step,objective,correct_late\n1,-0.5,0.5\n2,-0.25,0.6\n")
        self.write("theta.csv", "meta_step,r d,r^2 d\n1,1.0,0.1\n2,1.5,0.2\n")

    def test_theta_is_named_by_its_terms(self):
        theta = neohebb.load(self.dir).theta
        self.assertEqual(list(theta.index), ["1", "r", "r^2"])
        self.assertEqual(list(theta.columns), ["1", "d"])
        self.assertEqual(theta.loc["r^2", "d"], 5.0)  # theta.npy, not the trace's own

    def test_meta_metrics_and_history_by_meta_step(self):
        r = neohebb.load(self.dir)
        self.assertEqual(r.meta.loc[2, "objective"], -0.25)
        self.assertEqual(r.theta_history.loc[2, "r d"], 1.5)

    def test_missing_pieces_are_none(self):
        r = neohebb.load(self.dir)
        for name in ("learning_curve", "held_out", "networks", "analysis", "sweep", "tasks",
                     "summary", "task_scales"):
            self.assertIsNone(getattr(r, name), name)
        self.assertEqual(repr(r), f"neohebb.Run({str(self.dir)!r}, format 2)")

    def test_held_out_one_table_or_one_per_task(self):
        self.write("held_out.csv", "theta,lifetime,mean_reward,correct_late,diverged\n"
                                   "initial,0,-1,0.5,0\nlearned,0,-0.2,0.9,0\n")
        self.assertEqual(len(neohebb.load(self.dir).held_out), 2)
        (self.dir / "held_out.csv").unlink()
        for task in ("dnms", "go"):
            self.write(f"held_out_{task}.csv", "theta,lifetime,mean_reward,correct_late,diverged\n"
                                               "learned,0,-0.2,0.9,0\n")
        self.write("tasks/dnms.toml", '[task]\ntype = "dnms"\n')
        r = neohebb.load(self.dir)
        self.assertEqual(sorted(r.held_out), ["dnms", "go"])
        self.assertIsInstance(r.held_out["go"], pd.DataFrame)
        self.assertEqual(r.tasks["dnms"]["task"]["type"], "dnms")

    def test_the_worked_example_draws_the_meta_learning_curve_and_theta(self):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self.skipTest("no matplotlib (scripts/bootstrap.sh installs python3-matplotlib)")
        example = Path(__file__).parents[1] / "examples" / "figures.py"
        done = subprocess.run([sys.executable, str(example), str(self.dir), str(self.dir / "f")],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        for name in ("meta_learning_curve.png", "theta.png"):
            self.assertTrue((self.dir / "f" / name).is_file(), name)

    def test_a_plain_run_has_its_traces_own_theta(self):
        (self.dir / "theta.npy").unlink()
        self.assertEqual(neohebb.load(self.dir).theta.loc["r", "d"], 1.0)


class Sweep(TempDir):
    def test_points_by_name(self):
        self.write("sweep.csv", "point,status,rule.eta,correct_late,error\n"
                                "p0,done,0.1,0.8,\np1,failed,0.2,,diverged\n")
        self.write("p0/experiment.toml", '[experiment]\nname = "p0"\n')
        r = neohebb.load(self.dir)
        self.assertEqual(r.sweep.loc["p1", "status"], "failed")
        self.assertEqual(r.point("p0").experiment["experiment"]["name"], "p0")


class Refusals(TempDir):
    def test_not_a_run_directory(self):
        with self.assertRaisesRegex(neohebb.NeohebbError, "no such directory"):
            neohebb.load(self.dir / "nosuch")
        with self.assertRaisesRegex(neohebb.NeohebbError, "not a run directory"):
            neohebb.load(self.dir)

    def test_a_newer_format_is_refused_naming_the_file(self):
        self.write("run.json", json.dumps({"format_version": neohebb.FORMAT_VERSION + 1}))
        with self.assertRaisesRegex(neohebb.NeohebbError, r"run\.json: run-directory format 3"):
            neohebb.load(self.dir)

    def test_a_damaged_file_is_named(self):
        self.write("run.json", "{")
        with self.assertRaisesRegex(neohebb.NeohebbError, r"run\.json: not valid JSON"):
            neohebb.load(self.dir)


class FormatOneRun(unittest.TestCase):
    """A run neohebb wrote before format 2: everything reads; the analyses as they were stored,
    with a warning that says how to rewrite them."""

    def test_reads_the_run(self):
        r = neohebb.load(FORMAT1_RUN)
        self.assertEqual(r.format_version, 1)
        self.assertEqual(r.experiment["network"]["size"], 10)
        self.assertEqual(set(r.learning_curve.lifetime), {0, 1})
        self.assertEqual(r.networks[1].W.shape, (10, 10))
        self.assertEqual(r.networks[0].W_in.shape[0], 10)
        self.assertIsNone(r.theta)  # format 1's run.json has no trace

    def test_analyses_as_stored_with_a_warning(self):
        r = neohebb.load(FORMAT1_RUN)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            analysis = r.analysis
        self.assertTrue(any("format 1" in str(w.message) and "neohebb analyze" in str(w.message)
                            for w in caught), [str(w.message) for w in caught])
        fp = analysis[0]["fixed_points"]
        self.assertEqual(fp["stable"].shape, (fp["points"].shape[0], 1))
        self.assertIn("fixed_point_eigenvalues_re", analysis[0]["jacobian_spectrum"])


if __name__ == "__main__":
    unittest.main()
