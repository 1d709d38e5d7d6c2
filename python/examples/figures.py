"""Two of neohebb's figures redrawn with matplotlib from a run directory: the learning curve
(fraction correct, mean over lifetimes, running mean over trials; for a meta-learning run, per
meta-step) and the theta heatmap.

    /usr/bin/python3 python/examples/figures.py RUN [OUT_DIR]

writes OUT_DIR/learning_curve.png (meta_learning_curve.png) and OUT_DIR/theta.png (OUT_DIR
defaults to RUN/plots_python).
docs/results-in-python.md walks through it.
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: runs without a display
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the package, from the source tree
import neohebb  # noqa: E402


def learning_curve(run, file, window=100):
    curve = run.learning_curve
    correct = curve.groupby("trial").correct.mean()  # over lifetimes
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(correct.index, correct.rolling(min(window, len(correct)), min_periods=1).mean())
    ax.axhline(0.5, color="grey", lw=0.8, ls=":", label="chance")
    ax.set(xlabel="trial", ylabel="fraction correct", ylim=(0, 1.02),
           title=f"Learning curve: {run.path.name} ({curve.lifetime.nunique()} lifetimes)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(file, dpi=100)
    plt.close(fig)


def meta_learning_curve(run, file):
    """A meta-learning run has no trial-by-trial curve: its lifetimes' fraction correct late in
    learning, per meta-step."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(run.meta.index, run.meta.correct_late, marker="o")
    ax.set(xlabel="meta-step", ylabel="fraction correct, last tenth of trials", ylim=(0, 1.02),
           title=f"Meta-learning: {run.path.name}")
    fig.tight_layout()
    fig.savefig(file, dpi=100)
    plt.close(fig)


def theta_heatmap(run, file):
    theta = run.theta
    limit = float(np.abs(theta.values).max()) or 1.0
    fig, ax = plt.subplots(figsize=(6, 5))
    image = ax.imshow(theta.values, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_xticks(range(theta.shape[1]), theta.columns)
    ax.set_yticks(range(theta.shape[0]), theta.index)
    ax.set(xlabel="post-term b_l(d)", ylabel="pre-term a_k(r)", title=f"θ: {run.path.name}")
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    fig.savefig(file, dpi=100)
    plt.close(fig)


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    run = neohebb.load(argv[1])
    out = Path(argv[2]) if len(argv) == 3 else run.path / "plots_python"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if run.learning_curve is not None:
        written.append(out / "learning_curve.png")
        learning_curve(run, written[-1])
    elif run.meta is not None:
        written.append(out / "meta_learning_curve.png")
        meta_learning_curve(run, written[-1])
    if run.theta is not None:
        written.append(out / "theta.png")
        theta_heatmap(run, written[-1])
    print("wrote " + (", ".join(map(str, written)) or "nothing (no learning curve, no theta)"))


if __name__ == "__main__":
    main(sys.argv)
