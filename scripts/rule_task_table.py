#!/usr/bin/env python3
"""Which hand-crafted rule learns which task: fraction correct at the end of a lifetime.

For every task with an experiments/miconi_<task>.toml and every hand-crafted rule, runs the
experiment with that rule (the Miconi file's network, exploration and schedule; only the trace,
and for node perturbation the trace's postsynaptic variable, change) and reports the fraction
correct over the last tenth of the trials, mean +- sd over the lifetimes (each its own seed).

    scripts/rule_task_table.py                          # every task, every rule, 5 lifetimes
    scripts/rule_task_table.py --tasks dnms --rules miconi hebbian --trials 3000

Prints a Markdown table (the one in docs/rules-and-tasks.md) and writes the runs under --out.
"""
import argparse
import csv
import glob
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each rule as overrides of the Miconi experiment (whose rule is three_factor with a
# per-condition baseline, |Rbar| modulation, clipping and warm-up, as in Miconi 2017).
RULES = {
    "miconi": [],
    "hebbian": ["trace.type=hebbian"],
    "node_perturbation": ["trace.type=monomial", "trace.degree=1", "trace.coefficients=[0,0,0,1]",
                          "eligibility.postsynaptic=perturbation"],
}


def fraction_correct_late(run_dir):
    per_lifetime = {}
    with open(os.path.join(run_dir, "learning_curve.csv")) as f:
        for row in csv.DictReader(f):
            per_lifetime.setdefault(int(row["lifetime"]), []).append(int(row["correct"]))
    out = []
    for k in sorted(per_lifetime):
        c = per_lifetime[k]
        tail = c[-max(1, len(c) // 10):]
        out.append(sum(tail) / len(tail))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    tasks = sorted(os.path.basename(p)[len("miconi_"):-len(".toml")]
                   for p in glob.glob(os.path.join(ROOT, "experiments", "miconi_*.toml")))
    ap.add_argument("--tasks", nargs="+", default=tasks)
    ap.add_argument("--rules", nargs="+", default=list(RULES), choices=list(RULES))
    ap.add_argument("--lifetimes", type=int, default=5)
    ap.add_argument("--trials", type=int, help="trials per lifetime (default: each experiment's)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "rule_task_table"))
    ap.add_argument("--neohebb", default=os.path.join(ROOT, "build", "neohebb"))
    args = ap.parse_args()

    rows = []
    for task in args.tasks:
        cells = []
        for rule in args.rules:
            run_dir = os.path.join(args.out, f"{task}-{rule}")
            cmd = [args.neohebb, "run", os.path.join(ROOT, "experiments", f"miconi_{task}.toml"),
                   "--out", run_dir, "--overwrite", "-q", "--threads", str(args.threads),
                   "--set", f"experiment.lifetimes={args.lifetimes}", "--set", f"experiment.seed={args.seed}"]
            if args.trials:
                cmd += ["--set", f"experiment.trials={args.trials}"]
            for s in RULES[rule]:
                cmd += ["--set", s]
            print("$", " ".join(cmd), file=sys.stderr)
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL)
            if done.returncode != 0:
                cells.append("failed")
                continue
            fc = fraction_correct_late(run_dir)
            sd = statistics.stdev(fc) if len(fc) > 1 else 0.0
            cells.append(f"{statistics.fmean(fc):.2f} +- {sd:.2f}")
        rows.append((task, cells))

    print(f"\nfraction correct over the last tenth of the trials, mean +- sd over {args.lifetimes} lifetimes")
    print("| task | " + " | ".join(args.rules) + " |")
    print("|---" * (len(args.rules) + 1) + "|")
    for task, cells in rows:
        print(f"| {task} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
