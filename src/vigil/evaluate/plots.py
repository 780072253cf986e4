"""Pictures of an evaluation: the precision-recall curve and the calibration plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["plot_scoring"]


def plot_scoring(metrics: dict[str, Any], target: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=110)
    curve = metrics["pr_curve"]
    ax1.plot(curve["recall"], curve["precision"], color="#2b6cb0", lw=2)
    point = f"review threshold (P={metrics['precision']:.2f}, R={metrics['recall']:.2f})"
    ax1.scatter([metrics["recall"]], [metrics["precision"]], color="#c53030", zorder=3, label=point)
    ax1.set(xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.02),
            title=f"Precision-recall (AP={metrics['average_precision']})")  # fmt: skip
    ax1.legend(loc="lower left", fontsize=8)
    ax1.grid(alpha=0.3)
    cal = [c for c in metrics["calibration"] if c["posts"]]
    ax2.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    ax2.plot([c["mean_risk"] for c in cal], [c["observed"] for c in cal], marker="o",
             color="#2f855a", lw=2, label="vigil risk")  # fmt: skip
    ax2.set(xlabel="mean risk in bin", ylabel="share of concern", xlim=(0, 1), ylim=(0, 1.02),
            title="Calibration")  # fmt: skip
    ax2.legend(loc="upper left", fontsize=8)
    ax2.grid(alpha=0.3)
    fig.suptitle(f"{metrics['posts']:,} posts, {metrics['positives']:,} of concern", fontsize=10)
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target)
    plt.close(fig)
    return target
