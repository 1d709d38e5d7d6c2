#!/usr/bin/env python3
"""Which network dynamics do different rules leave behind? Rules against dynamics, paired.

    scripts/compare_dynamics.py --task FILE [--task FILE ...] --meta-run RUN_DIR
                                [--networks 10] [--trials N] [--seed 2027] [--threads N]
                                [--out DIR]

Each FILE is a task experiment with Miconi's complete rule (an experiments/miconi_<task>.toml).
On each task, three rules train the same NETWORKS networks (same seeds, trials and kicks):

  miconi+            the file as it is: Miconi's trace, clipping, |Rbar| modulation, warm-up;
  meta               the meta-learned rule of RUN_DIR (its resolved [trace] and [rule] on top);
  node_perturbation  the trace r_j xi_i (presynaptic rate times the postsynaptic kick).

Then the six analyses of `neohebb run` (docs/analyses.md) run on each trained network, and per
network these measures are read back:

  correct_late            fraction correct over the last tenth of the trials (how well it learned)
  stable_fixed_points, unstable_fixed_points, slow_points    (fixed_points, at u = 0 and contexts)
  henrici_W               normalised Henrici departure from normality of W (non_normality)
  henrici_trajectories    mean normalised Henrici index of the Jacobians along the trajectories
  readout_alignment       mean over fixed points of the readout's overlap with the slowest mode
  input_sensitivity       mean norm over stable fixed points and input channels of dx*/du
  participation_ratio     (sum l)^2 / sum l^2 of the trajectories' PCA variances (top 10)

Per task and measure: the median (IQR) per rule, and for each pair of rules an exact paired
sign-flip permutation test of the mean difference over the networks (two-sided; a network where
either value is missing is left out). Writes DIR/dynamics.md, DIR/measures.csv and, with
matplotlib installed (Debian: python3-matplotlib), DIR/dynamics.png.
"""
import argparse
import csv
import itertools
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from transfer import section_text  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
ANALYSES = ["fixed_points", "jacobian_spectrum", "non_normality", "readout_alignment",
            "input_sensitivity", "trajectory_pca"]
MEASURES = ["correct_late", "stable_fixed_points", "unstable_fixed_points", "slow_points",
            "henrici_W", "henrici_trajectories", "readout_alignment", "input_sensitivity",
            "participation_ratio"]
NODE_PERTURBATION = ['trace.type="monomial"', "trace.degree=1", "trace.coefficients=[0, 0, 0, 1]",
                     'eligibility.postsynaptic="perturbation"']


def rule_experiment(task_file, meta_run, folder):
    """The task with the meta-learned rule: the run's resolved [trace] and [rule] on top."""
    resolved = (meta_run / "experiment.toml").read_text()
    text = f'base = "{pathlib.Path(task_file).resolve()}"\n\n'
    text += section_text(resolved, "trace") + "\n" + section_text(resolved, "rule")
    path = folder / f"{pathlib.Path(task_file).stem}_meta.toml"
    path.write_text(text)
    return path


def train(exe, experiment, sets, out, args):
    cmd = [exe, "run", str(experiment), "--out", str(out), "-q", "--threads", str(args.threads),
           "--set", "meta.steps=0", "--set", f"experiment.seed={args.seed}",
           "--set", f"experiment.lifetimes={args.networks}",
           "--set", 'experiment.on_divergence="skip"',
           "--set", "analysis.run=[" + ", ".join(f'"{a}"' for a in ANALYSES) + "]"]
    if args.trials:
        cmd += ["--set", f"experiment.trials={args.trials}"]
    for s in sets:
        cmd += ["--set", s]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)}\n{done.stderr}")


def correct_late(run):
    """Per lifetime, the fraction correct over its last tenth of trials."""
    per = {}
    for r in csv.DictReader(open(run / "learning_curve.csv")):
        per.setdefault(int(r["lifetime"]), []).append(float(r["correct"]))
    return {k: float(np.mean(v[-max(1, len(v) // 10):])) for k, v in per.items()}


def network_measures(lifetime_dir, scalars, late):
    """The measures of one trained network from its analysis files."""
    load = lambda a, name: np.load(lifetime_dir / a / f"{name}.npy")
    m = {"correct_late": late}
    fp = scalars["fixed_points"]
    m["stable_fixed_points"] = fp["stable_fixed_points"]
    m["unstable_fixed_points"] = fp["unstable_fixed_points"]
    m["slow_points"] = fp["slow_points"]
    nn = scalars["non_normality"]
    m["henrici_W"] = nn["weights_henrici_normalized"]
    m["henrici_trajectories"] = nn.get("mean_henrici_normalized", np.nan)
    overlaps = [load("readout_alignment", p.stem)[:, 0]
                for p in sorted((lifetime_dir / "readout_alignment").glob("right_overlap_*.npy"))]
    m["readout_alignment"] = float(np.mean(np.concatenate(overlaps))) if overlaps else np.nan
    norms = [np.linalg.norm(load("input_sensitivity", p.stem), axis=1)
             for p in sorted((lifetime_dir / "input_sensitivity").glob("sensitivity_*.npy"))]
    m["input_sensitivity"] = float(np.mean(np.concatenate(norms))) if norms else np.nan
    var = load("trajectory_pca", "explained_variance_ratio").ravel()
    m["participation_ratio"] = float(var.sum() ** 2 / (var ** 2).sum())
    return m


def measures_of(run, networks):
    """Per network (lifetime index), its measures; NaN for one that diverged."""
    summary = json.load(open(run / "analysis" / "summary.json"))["lifetimes"]
    late = correct_late(run)
    out = []
    for k in range(networks):
        key = f"lifetime_{k:03d}"
        if key not in summary:
            out.append({m: np.nan for m in MEASURES})
            continue
        out.append(network_measures(run / "analysis" / key, summary[key], late[k]))
    return out


def permutation_p(a, b):
    """Exact two-sided sign-flip test of the mean paired difference (pairs with a NaN dropped)."""
    d = np.array([x - y for x, y in zip(a, b) if not (np.isnan(x) or np.isnan(y))])
    if len(d) == 0 or np.all(d == 0):
        return 1.0, len(d)
    observed = abs(d.mean())
    signs = np.array(list(itertools.product([1, -1], repeat=len(d))))
    null = np.abs((signs * d).mean(axis=1))
    return float(np.mean(null >= observed - 1e-12)), len(d)


def median_iqr(values):
    v = np.array([x for x in values if not np.isnan(x)])
    if len(v) == 0:
        return "-"
    q25, q50, q75 = np.percentile(v, [25, 50, 75])
    return f"{q50:.3g} ({q25:.3g}-{q75:.3g})"


def table(task, results, rules):
    pairs = list(itertools.combinations(rules, 2))
    lines = [f"### {task}", "",
             "| measure | " + " | ".join(rules) + " | "
             + " | ".join(f"p {a} vs {b}" for a, b in pairs) + " |",
             "|---" * (1 + len(rules) + len(pairs)) + "|"]
    for m in MEASURES:
        cells = [median_iqr([n[m] for n in results[r]]) for r in rules]
        ps = []
        for a, b in pairs:
            p, n = permutation_p([x[m] for x in results[a]], [x[m] for x in results[b]])
            ps.append(f"{p:.3g} (n={n})")
        lines.append(f"| {m} | " + " | ".join(cells) + " | " + " | ".join(ps) + " |")
    return "\n".join(lines) + "\n"


def figure(all_results, rules, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no figure: matplotlib is not installed (Debian: python3-matplotlib)",
              file=sys.stderr)
        return
    tasks = list(all_results)
    fig, axes = plt.subplots(len(tasks), len(MEASURES), figsize=(2.2 * len(MEASURES),
                                                                2.4 * len(tasks)), squeeze=False)
    for i, task in enumerate(tasks):
        for j, m in enumerate(MEASURES):
            ax = axes[i][j]
            values = np.array([[n[m] for n in all_results[task][r]] for r in rules])
            for net in values.T:  # one line per network: the comparison is paired
                ax.plot(range(len(rules)), net, color="0.75", lw=0.8, zorder=1)
            for k in range(len(rules)):
                ax.scatter(np.full(values.shape[1], k), values[k], s=12, zorder=2)
            ax.set_xticks(range(len(rules)), rules, rotation=30, fontsize=7)
            ax.tick_params(labelsize=7)
            if i == 0:
                ax.set_title(m.replace("_", " "), fontsize=8)
            if j == 0:
                ax.set_ylabel(task, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--task", action="append", required=True)
    p.add_argument("--meta-run", type=pathlib.Path, required=True)
    p.add_argument("--networks", type=int, default=10)
    p.add_argument("--trials", type=int, default=0, help="per lifetime (default: the file's)")
    p.add_argument("--seed", type=int, default=2027)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--out", type=pathlib.Path, default=pathlib.Path("runs/compare_dynamics"))
    p.add_argument("--neohebb", default=str(ROOT / "build" / "neohebb"))
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rules = ["miconi+", "meta", "node_perturbation"]
    all_results, report, rows = {}, [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for task_file in args.task:
            task = pathlib.Path(task_file).stem
            plans = {"miconi+": (task_file, []),
                     "meta": (rule_experiment(task_file, args.meta_run, tmp), []),
                     "node_perturbation": (task_file, NODE_PERTURBATION)}
            results = {}
            for rule in rules:
                experiment, sets = plans[rule]
                run = tmp / f"{task}-{rule}"
                train(args.neohebb, experiment, sets, run, args)
                results[rule] = measures_of(run, args.networks)
                rows += [dict(task=task, rule=rule, network=k, **m)
                         for k, m in enumerate(results[rule])]
                print(f"{task} {rule}: done", file=sys.stderr)
            all_results[task] = results
            report.append(table(task, results, rules))
    header = (f"{args.networks} networks per rule and task, seed {args.seed}, meta-learned rule "
              f"of {args.meta_run}; p: exact paired sign-flip permutation test, two-sided\n\n")
    text = header + "\n".join(report)
    print(text)
    (args.out / "dynamics.md").write_text(text)
    with open(args.out / "measures.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["task", "rule", "network"] + MEASURES)
        w.writeheader()
        w.writerows(rows)
    figure(all_results, rules, args.out / "dynamics.png")


if __name__ == "__main__":
    main()
