"""neohebb.run and neohebb.load against the neohebb binary ($NEOHEBB, PATH or the source tree's
build/), on a small run: format-2 arrays, errors, old run directories, the worked example."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings
from pathlib import Path

import numpy as np

import neohebb

HERE = Path(__file__).parent
# The command-line tests' small DNMS run with three analyses.
TINY = (HERE.parent.parent / "tests" / "cli" / "tiny_analysed_dnms.toml").read_text()

try:
    BINARY = neohebb.find_binary()
except neohebb.NeohebbError:
    BINARY = None


@unittest.skipIf(BINARY is None, "no neohebb executable")
class WithNeohebb(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = Path(tempfile.mkdtemp(prefix="neohebb-test-"))
        (cls.dir / "tiny.toml").write_text(TINY)
        cls.result = neohebb.run(cls.dir / "tiny.toml", set={"experiment.trials": 6},
                              out=cls.dir / "run", threads=1, quiet=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def test_run_returns_the_loaded_run(self):
        r = self.result
        self.assertEqual(r.format_version, neohebb.FORMAT_VERSION)
        self.assertEqual(r.experiment["experiment"]["trials"], 6)  # the --set override
        self.assertEqual(len(r.learning_curve), 2 * 6)
        self.assertEqual(len(r.networks), 2)
        self.assertEqual(r.networks[0].W.shape, (10, 10))

    def test_arrays_as_numpy_writes_them(self):
        a = self.result.analysis[0]
        points = a["fixed_points"]["points"]
        self.assertEqual(points.ndim, 2)
        self.assertEqual(a["fixed_points"]["stable"].shape, (points.shape[0],))  # 1-D
        eig = a["jacobian_spectrum"]["fixed_point_eigenvalues"]
        self.assertEqual(eig.dtype, np.complex128)
        self.assertEqual(eig.shape, points.shape)
        self.assertNotIn("fixed_point_eigenvalues_re", a["jacobian_spectrum"])
        self.assertEqual(a["trajectory_pca"]["mean"].shape, (10,))

    def test_theta_by_term_names(self):
        theta = self.result.theta
        self.assertEqual(theta.index.name, "pre")
        self.assertIn("r^3", list(theta.index))
        self.assertIn("d^3", list(theta.columns))

    def test_errors_carry_neohebbs_message(self):
        bad = self.dir / "bad.toml"
        bad.write_text(TINY.replace("trials = 5", "trials = -3"))
        with self.assertRaises(neohebb.NeohebbError) as caught:
            neohebb.run(bad, out=self.dir / "bad_run", quiet=True)
        self.assertIn(f"{bad}:4:10: 'trials' = -3", str(caught.exception))
        self.assertEqual(caught.exception.returncode, 1)

    def test_a_missing_binary_is_named(self):
        with self.assertRaisesRegex(neohebb.NeohebbError, "/nonexistent/neohebb: cannot be run"):
            neohebb.run(self.dir / "tiny.toml", binary="/nonexistent/neohebb")

    def test_a_format_1_run_is_analysed_and_plotted(self):
        old = self.dir / "format1_run"
        shutil.copytree(HERE / "data" / "format1_run", old)
        plotted = subprocess.run([BINARY, "plot", str(old)], capture_output=True, text=True)
        self.assertEqual(plotted.returncode, 0, plotted.stdout + plotted.stderr)
        self.assertTrue((old / "plots" / "eigenvalues_lifetime_000.png").is_file())
        analysed = subprocess.run([BINARY, "analyze", str(old), "-q", "--threads", "1"],
                                  capture_output=True, text=True)
        self.assertEqual(analysed.returncode, 0, analysed.stdout + analysed.stderr)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # format 2 now: no warning
            a = neohebb.load(old).analysis[1]
        self.assertEqual(a["jacobian_spectrum"]["fixed_point_eigenvalues"].dtype, np.complex128)

    def test_the_worked_example_draws_two_figures(self):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self.skipTest("no matplotlib (scripts/bootstrap.sh installs python3-matplotlib)")
        out = self.dir / "figures"
        done = subprocess.run([sys.executable, str(HERE.parent / "examples" / "figures.py"),
                               str(self.result.path), str(out)], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        for name in ("learning_curve.png", "theta.png"):
            self.assertGreater((out / name).stat().st_size, 5000, name)


if __name__ == "__main__":
    unittest.main()
