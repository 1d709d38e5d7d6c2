#!/usr/bin/env python3
"""Compares a meta-learned trace with its initialisation and with Miconi's rule on held-out seeds.

    scripts/meta_vs_miconi.py META_RUN_DIR [--lifetimes 20] [--trials 5000] [--seed 2027]
                              [--rules init,meta,miconi,miconi+,meta+] [--print-commands]

META_RUN_DIR is a finished `neohebb run` of a meta-learning experiment. Its resolved
experiment.toml gives the task, network and rule; its checkpoint.json the meta-learned theta.
Every rule then learns the same task from scratch in LIFETIMES fresh networks whose seeds derive
from --seed, which the meta-training never used (it draws its lifetimes from the experiment's own
seed and the meta-step). Rules compared:

  init       the experiment's initial coefficients;
  meta       the meta-learned coefficients (and tau_e and the rule's parameters, when they were
             learned: [meta] learn_tau_e, learn_rule);
  miconi     Miconi's trace (r_j d_i)^3 (theta(r^3 d^3) = -s^3 for post_scale s, no decay:
             tau_e = inf) with the experiment's rule settings;
  miconi+    Miconi's complete rule: the same trace with his hard clip (3e-4, whatever clip_shape
             the experiment has), baseline (per condition, 4 trials), |Rbar| modulation and 101
             warm-up trials;
  meta+      the meta-learned coefficients with Miconi's clip, baseline, modulation and warm-up.

A lifetime whose weights diverge is recorded as such and never reaches criterion.
Criterion (Miconi's dnms/ploterr_single.py): the first trial t >= 100 whose window t-99..t holds
at least 96 correct trials. Prints a Markdown table and writes it, with the per-lifetime
criterion trials, to META_RUN_DIR/comparison/ (table_seedS.md, criterion_seedS.csv), so that
several seeds' results sit side by side for scripts/pool_held_out.py.
"""
import argparse
import csv
import json
import os
import pathlib
import shlex
import subprocess
import sys
import tempfile
import tomllib

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from miconi_acceptance import MICONI_RULE, criterion_trial  # noqa: E402  (one definition each)

ROOT = pathlib.Path(__file__).resolve().parent.parent


def toml_list(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def rule_command(exe, experiment, sets, out, args):
    """The plain run in which one rule learns the held-out networks."""
    cmd = [exe, "run", str(experiment), "--out", str(out), "-q", "--threads", str(args.threads),
           "--set", "meta.steps=0", "--set", f"experiment.seed={args.seed}",
           "--set", f"experiment.lifetimes={args.lifetimes}",
           "--set", f"experiment.trials={args.trials}",
           "--set", 'experiment.on_divergence="skip"']
    for s in sets:
        cmd += ["--set", s]
    return cmd


def run_rule(exe, experiment, sets, out, args, tail=500):
    """Every lifetime of one rule: criterion trial, fraction correct over its last `tail` trials,
    mean reward, divergence."""
    cmd = rule_command(exe, experiment, sets, out, args)
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        if "every lifetime diverged" not in done.stderr:
            sys.exit(f"{' '.join(cmd)}\n{done.stderr}")
        rows = []  # all diverged: recorded below like any diverged lifetime
    else:
        rows = list(csv.DictReader(open(out / "learning_curve.csv")))
    per_lifetime = {}
    for r in rows:
        per_lifetime.setdefault(int(r["lifetime"]), []).append(
            (int(r["trial"]), float(r["correct"]), float(r["reward"])))
    results = []
    for k in range(args.lifetimes):
        if k not in per_lifetime:  # diverged: left out of the curve, recorded in run.json
            results.append({"lifetime": k, "criterion": None, "final_correct": float("nan"),
                            "mean_reward": float("nan"), "diverged": True})
            continue
        trials = sorted(per_lifetime[k])
        correct = np.array([c for _, c, _ in trials])
        reward = np.array([w for _, _, w in trials])
        results.append({"lifetime": k, "criterion": criterion_trial(list(correct)),
                        "final_correct": float(correct[-tail:].mean()),
                        "mean_reward": float(reward.mean()), "diverged": False})
    return results


def summarize(name, results, args_trials):
    crit = [r["criterion"] for r in results]
    reached = np.array([c for c in crit if c is not None], dtype=float)
    # Runs that never reach criterion rank after every run that does: a sentinel past the
    # lifetime's end (not inf, which numpy's interpolation can turn into nan).
    never = args_trials + 1
    filled = np.array([c if c is not None else never for c in crit], dtype=float)
    med = np.median(filled)
    q25, q75 = np.percentile(filled, [25, 75])
    fmt = lambda v: "never" if v >= never else f"{v:.0f}"
    ok = [r for r in results if not r["diverged"]]
    mean = lambda key: np.mean([r[key] for r in ok]) if ok else float("nan")
    return (f"| {name} | {fmt(med)} ({fmt(q25)}-{fmt(q75)}) | {len(crit) - len(reached)} of "
            f"{len(crit)} | {len(results) - len(ok)} | {mean('final_correct'):.3f} | "
            f"{mean('mean_reward'):.4f} |")


def learned_theta(run_dir):
    """The coefficients the learned rule uses (K x L): theta.npy of a finished run, else the last
    checkpoint's theta (stored column-major, Eigen's order) times exp(log_eta)."""
    if (run_dir / "theta.npy").exists():
        return np.load(run_dir / "theta.npy")
    checkpoint = json.load(open(run_dir / "checkpoint.json"))
    shape = (checkpoint["shape"]["theta_rows"], checkpoint["shape"]["theta_cols"])
    theta = np.array(checkpoint["theta"], dtype=float).reshape(shape, order="F")
    return theta * np.exp(checkpoint.get("log_eta", 0.0))


def miconi_theta(resolved, shape):
    """Miconi's trace (r_j d_i)^3 in the run's basis, row-major: theta(r^3 d^3) = -s^3 for the
    trace's post_scale s, every other coefficient 0."""
    theta = np.zeros(shape[0] * shape[1])
    theta[3 * shape[1] + 3] = -resolved["trace"].get("post_scale", 1.0) ** 3
    return theta


def learned_settings(run_dir, resolved):
    """What meta-learning moved besides the coefficients, as {(section, name): value}: tau_e
    ([meta] learn_tau_e) and the rule's parameters ([meta] learn_rule). From learned_trace.toml
    of a finished run, else from the last checkpoint (log_tau_e, and log_rule in learn_rule's
    order)."""
    if (run_dir / "learned_trace.toml").exists():
        learned = tomllib.load(open(run_dir / "learned_trace.toml", "rb"))
        tau_e = learned.get("eligibility", {}).get("tau_e")
        rule = learned.get("rule", {})
    else:
        checkpoint = json.load(open(run_dir / "checkpoint.json"))
        tau_e = float(np.exp(checkpoint["log_tau_e"])) if "log_tau_e" in checkpoint else None
        names = resolved.get("meta", {}).get("learn_rule", "").replace(",", " ").split()
        logs = checkpoint.get("log_rule", [])
        if len(logs) != len(names):
            sys.exit(f"{run_dir}/checkpoint.json: {len(logs)} learned rule parameters, but "
                     f"[meta] learn_rule names {len(names)}")
        rule = dict(zip(names, (float(np.exp(u)) for u in logs)))
    settings = {} if tau_e is None else {("eligibility", "tau_e"): float(tau_e)}
    settings.update({("rule", name): float(value) for name, value in rule.items()})
    return settings


def as_sets(settings):
    """{(section, name): value} as `--set section.name=value` arguments."""
    return [f"{section}.{name}={value!r}" for (section, name), value in settings.items()]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("run_dir", type=pathlib.Path)
    p.add_argument("--lifetimes", type=int, default=20)
    p.add_argument("--trials", type=int, default=5000)
    p.add_argument("--seed", type=int, default=2027)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--neohebb", default=str(ROOT / "build" / "neohebb"))
    p.add_argument("--rules", default="init,meta,miconi,miconi+,meta+",
                   help="which of the rules to run (comma-separated)")
    p.add_argument("--print-commands", action="store_true",
                   help="print the neohebb command of each rule, one per line, and run nothing")
    args = p.parse_args()

    experiment = args.run_dir / "experiment.toml"
    theta = learned_theta(args.run_dir)
    shape = theta.shape
    theta = theta.ravel()  # coefficients are listed row-major
    resolved = tomllib.load(open(experiment, "rb"))
    miconi = miconi_theta(resolved, shape)

    # Miconi's trace sums over the trial without decay; a learned tau_e and learned rule
    # parameters go with the learned coefficients.
    meta_trace = ([f"trace.coefficients={toml_list(theta)}"] +
                  as_sets(learned_settings(args.run_dir, resolved)))
    miconi_trace = [f"trace.coefficients={toml_list(miconi)}", "eligibility.tau_e=inf"]
    rules = [
        ("init", []),
        ("meta", meta_trace),
        ("miconi", miconi_trace),
        ("miconi+", miconi_trace + MICONI_RULE),
        ("meta+", meta_trace + MICONI_RULE),
    ]
    wanted = args.rules.split(",")
    unknown = sorted(set(wanted) - {name for name, _ in rules})
    if unknown:
        sys.exit(f"--rules: unknown rule(s) {', '.join(unknown)}; the rules are "
                 f"{', '.join(name for name, _ in rules)}")
    rules = [r for r in rules if r[0] in wanted]
    if args.print_commands:
        for name, sets in rules:
            out = f"RULE_DIR/{name}"
            print(f"{name}: {shlex.join(rule_command(args.neohebb, experiment, sets, out, args))}")
        return
    out_dir = args.run_dir / "comparison"
    out_dir.mkdir(exist_ok=True)
    lines = ["| rule | trials to criterion, median (IQR) | never reached | diverged | "
             "fraction correct, last 500 | mean reward |", "|---|---|---|---|---|---|"]
    per_lifetime = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, sets in rules:
            results = run_rule(args.neohebb, experiment, sets, pathlib.Path(tmp) / name, args)
            lines.append(summarize(name, results, args.trials))
            per_lifetime += [dict(rule=name, **r) for r in results]
            print(lines[-1], file=sys.stderr)
    header = (f"{args.lifetimes} held-out lifetimes x {args.trials} trials, seed {args.seed}, "
              f"experiment {experiment}")
    table = header + "\n\n" + "\n".join(lines) + "\n"
    print(table)
    (out_dir / f"table_seed{args.seed}.md").write_text(table)
    # The rules run now replace their earlier rows for this seed; the others' rows stay.
    criterion = out_dir / f"criterion_seed{args.seed}.csv"
    kept = []
    if criterion.exists():
        ran = {name for name, _ in rules}
        kept = [r for r in csv.DictReader(open(criterion)) if r["rule"] not in ran]
    with open(criterion, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["rule", "lifetime", "criterion", "final_correct",
                                          "mean_reward", "diverged"])
        w.writeheader()
        w.writerows(kept + per_lifetime)


if __name__ == "__main__":
    main()
