#!/usr/bin/env python3
"""Transfer of a meta-learned rule to tasks it never saw, against its start and Miconi's rule.

    scripts/transfer.py META_RUN_DIR --task FILE [--task FILE ...]
                        [--lifetimes 20] [--trials 5000] [--seed 2027] [--threads N]

META_RUN_DIR is a finished `neohebb run` of a meta-learning experiment (one task or several).
Each FILE is an experiment of a held-out task (its network, time step, trials and task); the
run's own [trace] and [rule] go on top of it, as for a file in [meta] tasks. In LIFETIMES fresh
networks per task, whose seeds derive from --seed (which meta-training never draws), three rules
learn the task from scratch on the same networks, trials and kicks:

  init       the run's initial coefficients, with its rule (and the start values of whatever
             else it learned: tau_e, the rule's parameters);
  meta       the meta-learned coefficients, with its rule and whatever else it learned;
  miconi+    Miconi's complete rule: his trace (r_j d_i)^3 without decay, his hard clip (3e-4),
             a baseline per condition over 4 trials starting at 0, |Rbar| modulation (power 1)
             and 101 warm-up trials, with the run's eta;
  task       the task's file as it is: when it is a miconi_<task>.toml, Miconi's complete rule
             with the settings the task needed (its own eta).

Per task and rule: median (IQR) trials to criterion (the first trial t >= 100 whose 100-trial
window holds at least 96 correct; never = past the lifetime), how many never reach it, and the
fraction correct over the last tenth of the trials. Then, paired over the networks, meta against
miconi+ and against init: wins, losses and an exact two-sided sign test (ties left out), on the
trials to criterion and on the late fraction correct. Prints Markdown and writes it, with every
lifetime's numbers, to META_RUN_DIR/transfer/.
"""
import argparse
import csv
import math
import os
import pathlib
import sys
import tempfile
import tomllib

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from meta_vs_miconi import (as_sets, learned_settings, learned_theta, miconi_theta,  # noqa: E402
                            run_rule, summarize, toml_list)
from miconi_acceptance import MICONI_RULE  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent


def section_text(resolved_text, name):
    """The lines of one section of a resolved experiment.toml, header included."""
    out, inside = [], False
    for line in resolved_text.splitlines():
        if line.startswith("["):
            inside = line.strip() == f"[{name}]"
        if inside:
            out.append(line)
    return "\n".join(out) + "\n"


def task_experiment(run_dir, task_file, folder):
    """The held-out task's experiment with the run's [trace] and [rule] on top."""
    resolved = (run_dir / "experiment.toml").read_text()
    text = f"base = {str(pathlib.Path(task_file).resolve())!r}\n\n"
    text = text.replace("'", '"')
    text += section_text(resolved, "trace") + "\n" + section_text(resolved, "rule")
    path = folder / f"{pathlib.Path(task_file).stem}.toml"
    path.write_text(text)
    return path


def sign_test(wins, losses):
    """Exact two-sided binomial p of wins against losses (ties left out)."""
    n = wins + losses
    if n == 0:
        return 1.0
    k = min(wins, losses)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n)


def paired(a, b, trials, key):
    """Wins of a over b per lifetime: fewer trials to criterion, or a higher late fraction."""
    if key == "criterion":
        never = trials + 1
        x = [never if r["criterion"] is None else r["criterion"] for r in a]
        y = [never if r["criterion"] is None else r["criterion"] for r in b]
        wins = sum(u < v for u, v in zip(x, y))
        losses = sum(u > v for u, v in zip(x, y))
    else:
        x = [r["final_correct"] for r in a]
        y = [r["final_correct"] for r in b]
        wins = sum(u > v for u, v in zip(x, y) if not (np.isnan(u) or np.isnan(v)))
        losses = sum(u < v for u, v in zip(x, y) if not (np.isnan(u) or np.isnan(v)))
    return wins, losses, sign_test(wins, losses)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("run_dir", type=pathlib.Path)
    p.add_argument("--task", action="append", required=True, help="a held-out task's experiment")
    p.add_argument("--lifetimes", type=int, default=20)
    p.add_argument("--trials", type=int, default=5000)
    p.add_argument("--seed", type=int, default=2027)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--neohebb", default=str(ROOT / "build" / "neohebb"))
    p.add_argument("--rules", default="init,meta,miconi+,task",
                   help="which of the rules to run (comma-separated)")
    args = p.parse_args()

    resolved = tomllib.load(open(args.run_dir / "experiment.toml", "rb"))
    theta = learned_theta(args.run_dir)
    shape = theta.shape
    initial = np.array(resolved["trace"]["coefficients"], dtype=float)
    miconi = miconi_theta(resolved, shape)
    # A learned tau_e and learned rule parameters go with the learned coefficients, the run's
    # start values with its start; Miconi's trace sums over the trial without decay.
    learned = learned_settings(args.run_dir, resolved)
    start = {key: float(resolved[key[0]][key[1]]) for key in learned}
    rules = [
        ("init", [f"trace.coefficients={toml_list(initial)}"] + as_sets(start)),
        ("meta", [f"trace.coefficients={toml_list(theta.ravel())}"] + as_sets(learned)),
        ("miconi+", [f"trace.coefficients={toml_list(miconi)}", "eligibility.tau_e=inf"] +
         MICONI_RULE),
        ("task", None),  # the task's file itself
    ]
    rules = [r for r in rules if r[0] in args.rules.split(",")]
    out_dir = args.run_dir / "transfer"
    out_dir.mkdir(exist_ok=True)
    report, rows = [], []
    tail = max(1, args.trials // 10)
    with tempfile.TemporaryDirectory() as tmp:
        for task_file in args.task:
            experiment = task_experiment(args.run_dir, task_file, pathlib.Path(tmp))
            name = pathlib.Path(task_file).stem
            lines = [f"### {name}: {args.lifetimes} held-out networks x {args.trials} trials, "
                     f"seed {args.seed}", "",
                     "| rule | trials to criterion, median (IQR) | never reached | diverged | "
                     "fraction correct, last tenth | mean reward |", "|---|---|---|---|---|---|"]
            results = {}
            for rule, sets in rules:
                results[rule] = run_rule(args.neohebb, task_file if sets is None else experiment,
                                         sets or [], pathlib.Path(tmp) / f"{name}-{rule}", args,
                                         tail)
                lines.append(summarize(rule, results[rule], args.trials))
                rows += [dict(task=name, rule=rule, **r) for r in results[rule]]
                print(lines[-1], file=sys.stderr)
            lines += ["", "| meta against | measure | meta better | meta worse | sign test p |",
                      "|---|---|---|---|---|"]
            for other in [r for r in results if r != "meta" and "meta" in results]:
                for key, label in (("criterion", "trials to criterion"),
                                   ("final_correct", "fraction correct, last tenth")):
                    w, l, pv = paired(results["meta"], results[other], args.trials, key)
                    lines.append(f"| {other} | {label} | {w} | {l} | {pv:.3g} |")
            report.append("\n".join(lines) + "\n")
    text = "\n".join(report)
    print(text)
    (out_dir / f"table_seed{args.seed}.md").write_text(text)
    with open(out_dir / f"lifetimes_seed{args.seed}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["task", "rule", "lifetime", "criterion", "final_correct",
                                          "mean_reward", "diverged"])
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
