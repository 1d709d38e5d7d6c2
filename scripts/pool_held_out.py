#!/usr/bin/env python3
"""Pools held-out comparisons over seeds: the ratio of median trials to criterion, a sign test on
the paired networks, and a bootstrap interval for the ratio.

    scripts/pool_held_out.py SOURCE [SOURCE ...] [--rule meta] [--against miconi+]
                             [--seeds 2027,7,11] [--trials 5000]

Each SOURCE is a meta-learning run directory whose comparison/ holds the criterion_seedS.csv
files that scripts/meta_vs_miconi.py writes (one per held-out seed; --seeds keeps only those
seeds, e.g. to leave out seeds used to choose a configuration), or such a CSV file itself.
The two rules were run on the same networks of each seed, so every network gives a pair. A
network that never reaches criterion counts as one trial past its lifetime (it ranks after every
network that does). Printed, in Markdown: per seed, the medians and their ratio; pooled over all
networks, medians (IQR), the ratio, how many networks each rule learns faster in, the exact
two-sided sign test (ties left out), how many never reach criterion or diverge, and a 95 %
interval for the ratio from 20000 paired bootstrap resamples of the networks (fixed seed, so the
same numbers every time).
"""
import argparse
import csv
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from transfer import sign_test  # noqa: E402  (the one definition of the test)


def criterion_files(sources, seeds):
    files = []
    for source in map(pathlib.Path, sources):
        if source.is_dir():
            found = sorted((source / "comparison").glob("criterion_seed*.csv"))
            if seeds:
                found = [f for f in found if f.stem.removeprefix("criterion_seed") in seeds]
            if not found:
                sys.exit(f"{source}: no comparison/criterion_seed*.csv (run meta_vs_miconi.py)")
            files += found
        else:
            files.append(source)
    return files


def read(file, rule, trials):
    """Trials to criterion per network of `rule` (never: trials + 1), and how many diverged."""
    rows = [r for r in csv.DictReader(open(file)) if r["rule"] == rule]
    if not rows:
        sys.exit(f"{file}: no lifetimes of rule '{rule}'")
    crit = [trials + 1 if r["criterion"] in ("", "None") else float(r["criterion"]) for r in rows]
    return np.array(crit), sum(r["diverged"] == "True" for r in rows)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("sources", nargs="+")
    p.add_argument("--rule", default="meta")
    p.add_argument("--against", default="miconi+")
    p.add_argument("--trials", type=int, default=5000, help="the lifetimes' length")
    p.add_argument("--seeds", default="", help="only these held-out seeds (comma-separated)")
    args = p.parse_args()

    never = args.trials + 1
    show = lambda v: "never" if v >= never else f"{v:.0f}"
    seeds = [s for s in args.seeds.split(",") if s]
    a_all, b_all, diverged = [], [], [0, 0]
    print(f"| seed file | {args.rule} | {args.against} | ratio | {args.rule} faster / slower |")
    print("|---|---|---|---|---|")
    for file in criterion_files(args.sources, seeds):
        a, da = read(file, args.rule, args.trials)
        b, db = read(file, args.against, args.trials)
        if len(a) != len(b):
            sys.exit(f"{file}: {len(a)} lifetimes of {args.rule}, {len(b)} of {args.against}")
        print(f"| {file} | {show(np.median(a))} | {show(np.median(b))} | "
              f"{np.median(a) / np.median(b):.2f} | {(a < b).sum()} / {(a > b).sum()} |")
        a_all.append(a), b_all.append(b)
        diverged[0] += da
        diverged[1] += db
    a, b = np.concatenate(a_all), np.concatenate(b_all)
    iqr = lambda v: "-".join(show(q) for q in np.percentile(v, [25, 75]))
    faster, slower = int((a < b).sum()), int((a > b).sum())
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(a), size=(20000, len(a)))
    boot = np.median(a[pick], axis=1) / np.median(b[pick], axis=1)
    low, high = np.percentile(boot, [2.5, 97.5])
    print()
    print(f"pooled over {len(a)} networks: {args.rule} {show(np.median(a))} ({iqr(a)}), "
          f"{args.against} {show(np.median(b))} ({iqr(b)}); ratio {np.median(a) / np.median(b):.3f} "
          f"(95 % bootstrap interval {low:.2f}-{high:.2f}); {args.rule} faster in {faster}, "
          f"slower in {slower} (sign test p = {sign_test(faster, slower):.2g}); never reached: "
          f"{int((a == never).sum())} / {int((b == never).sum())}; diverged: {diverged[0]} / "
          f"{diverged[1]}")


if __name__ == "__main__":
    main()
