#!/usr/bin/env python3
"""Miconi (2017) acceptance check for experiments/miconi_dnms.toml.

Runs the experiment for 20 lifetimes x 10,000 trials (or reads an existing run directory) and
compares trials-to-criterion and final error with the reference measured from Miconi's own code:
median criterion trial inside 743-1821, at most 3 of 20 runs failing, final-error median inside
0.025-0.045. Criterion (Miconi's dnms/ploterr_single.py): the first trial t >= 100 whose window
t-99..t holds at least 96 correct trials (error E < 1); runs that never reach it count as the run
length. Final error: mean E over the last 1000 trials.

    scripts/miconi_acceptance.py                 # run (about 10 minutes on 2 cores), then report
    scripts/miconi_acceptance.py --run-dir DIR   # report on an existing run
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Miconi's complete rule over a trace (r_j d_i)^3: his hard clip of each update at 3e-4 (the shape
# too: an experiment with clip_shape = "smooth" would otherwise lend it its own), a baseline per
# condition over 4 trials starting at 0, the |Rbar| modulation (power 1) and 101 warm-up trials,
# as `--set` overrides on any DNMS-like experiment: of a run's rule settings only eta reaches it
# (the scale its trace is given in).
# The one definition the held-out comparisons use.
MICONI_RULE = ["rule.clip=3e-4", 'rule.clip_shape="hard"', 'rule.baseline="per_condition"',
               "rule.baseline_tau=4.0", "rule.baseline_init=0.0",
               'rule.modulation="baseline_magnitude"', "rule.modulation_power=1.0",
               "rule.warmup_trials=101"]


def criterion_trial(correct, window=100, needed=96):
    inside = 0
    for t, c in enumerate(correct):
        inside += c
        if t >= window:
            inside -= correct[t - window]
        if t >= window and inside >= needed:
            return t
    return None


def quartiles(xs):
    if len(xs) < 2:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], statistics.median(xs), q[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run-dir", help="report on this run directory instead of running")
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "miconi_acceptance"))
    ap.add_argument("--lifetimes", type=int, default=20)
    ap.add_argument("--trials", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--neohebb", default=os.path.join(ROOT, "build", "neohebb"))
    args = ap.parse_args()

    run_dir = args.run_dir
    if run_dir is None:
        run_dir = args.out
        cmd = [args.neohebb, "run", os.path.join(ROOT, "experiments", "miconi_dnms.toml"),
               "--out", run_dir, "--overwrite", "--threads", str(args.threads),
               "--set", f"experiment.lifetimes={args.lifetimes}",
               "--set", f"experiment.trials={args.trials}",
               "--set", f"experiment.seed={args.seed}"]
        print("$", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)

    correct, error = defaultdict(list), defaultdict(list)
    with open(os.path.join(run_dir, "learning_curve.csv")) as f:
        for row in csv.DictReader(f):
            k = int(row["lifetime"])
            correct[k].append(int(row["correct"]))
            error[k].append(-float(row["reward"]))

    rows, crit_all, final_all, failed = [], [], [], 0
    for k in sorted(correct):
        length = len(correct[k])
        c = criterion_trial(correct[k])
        failed += c is None
        crit = c if c is not None else length
        final = statistics.fmean(error[k][-1000:])
        crit_all.append(crit)
        final_all.append(final)
        rows.append((k, "never" if c is None else str(c), final))

    print("| lifetime | criterion trial | final error (last 1000) |")
    print("|---|---|---|")
    for k, c, e in rows:
        print(f"| {k} | {c} | {e:.4f} |")
    c25, cmed, c75 = quartiles(crit_all)
    e25, emed, e75 = quartiles(final_all)
    n = len(rows)
    print()
    print("| measure | neohebb | Miconi's code (measured) | acceptance |")
    print("|---|---|---|---|")
    print(f"| criterion trial, median (IQR) | {cmed:.0f} ({c25:.0f}-{c75:.0f}) | 1068 (731-1841) | median in 743-1821 |")
    print(f"| runs never reaching criterion | {failed} of {n} | 1 of 20 | at most 3 of 20 |")
    print(f"| final error, median (IQR) | {emed:.4f} ({e25:.4f}-{e75:.4f}) | 0.035 (0.029-0.041) | median in 0.025-0.045 |")
    ok = 743 <= cmed <= 1821 and failed <= 3 and 0.025 <= emed <= 0.045
    print()
    print("acceptance:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
