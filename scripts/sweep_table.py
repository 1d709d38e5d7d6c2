#!/usr/bin/env python3
"""A sweep's results as a Markdown table: one row per value of one axis, one column per value of
another, each cell a figure of that point (with its spread over lifetimes where sweep.csv has it).

    scripts/sweep_table.py runs/rule_task_table/sweep.csv --rows base --columns rule
    scripts/sweep_table.py SWEEP.csv --rows rule.eta --columns trace --value reward_last_tenth

Rows and columns keep the order of the sweep's axes; a base file is shown by its name without
folder and .toml. A failed point shows "failed", a pending one "-". A sweep of more than two
axes needs --where AXIS=VALUE for each other axis, so that each cell is one point:

    scripts/sweep_table.py SWEEP.csv --rows rule.eta --columns trace --where network.size=100
"""
import argparse
import csv
import os
import sys


def label(axis, value):
    if axis == "base":
        return os.path.splitext(os.path.basename(value))[0]
    return value


def cell(row, value, sd):
    if row["status"] != "done":
        return "failed" if row["status"] == "failed" else "-"
    if not row.get(value):
        return "-"
    text = f"{float(row[value]):.2f}"
    if sd and row.get(sd):
        text += f" +- {float(row[sd]):.2f}"
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep_csv")
    ap.add_argument("--rows", required=True, help="the axis whose values are the rows")
    ap.add_argument("--columns", required=True, help="the axis whose values are the columns")
    ap.add_argument("--value", default="correct_last_tenth", help="the figure in each cell")
    ap.add_argument("--sd", default=None, help="its spread (default: <value>_sd when present)")
    ap.add_argument("--where", action="append", default=[], metavar="AXIS=VALUE",
                    help="only the points with this value on another axis (repeatable)")
    args = ap.parse_args()

    with open(args.sweep_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    for condition in args.where:
        axis, _, value = condition.partition("=")
        if rows and axis not in rows[0]:
            sys.exit(f"{args.sweep_csv}: no column '{axis}'")
        rows = [r for r in rows if r[axis] == value]
    seen = set()
    for r in rows:
        key = (r[args.rows], r[args.columns])
        if key in seen:
            sys.exit(f"{args.sweep_csv}: several points have {args.rows} = {key[0]} and "
                     f"{args.columns} = {key[1]}; choose one with --where for the other axes")
        seen.add(key)
    for axis in (args.rows, args.columns, args.value):
        if rows and axis not in rows[0]:
            sys.exit(f"{args.sweep_csv}: no column '{axis}'; columns: {', '.join(rows[0])}")
    sd = args.sd or (args.value + "_sd" if rows and args.value + "_sd" in rows[0] else None)
    row_values = list(dict.fromkeys(r[args.rows] for r in rows))
    column_values = list(dict.fromkeys(r[args.columns] for r in rows))
    cells = {(r[args.rows], r[args.columns]): cell(r, args.value, sd) for r in rows}
    print(f"| {args.rows} | " + " | ".join(label(args.columns, c) for c in column_values) + " |")
    print("|---" * (len(column_values) + 1) + "|")
    for v in row_values:
        print(f"| {label(args.rows, v)} | " +
              " | ".join(cells.get((v, c), "-") for c in column_values) + " |")


if __name__ == "__main__":
    main()
