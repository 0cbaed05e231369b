"""Fits the confidence model of `services/agent/knowledge/confidence.py` on the tuning part:
logistic regression of "the best entry is the labelled one" (0 for a question that must be
handed off) on the entry's features, by Newton's method with an L2 penalty on the weights (not
the intercept) so a few hundred questions do not over-fit. The result is printed by
tests/bench/test_retrieval_eval.py and copied into confidence.py by hand, with the figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from switchboard.bench.retrieval.harness import Outcome

L2 = 0.1
ITERATIONS = 50


def training_rows(outcomes: Sequence[Outcome], part: str = "tuning") -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """Features and labels of the `part`'s questions that had an entry to judge."""
    rows = [(o.features, o.question.answerable and o.ranked[:1] == (o.question.expected,))
            for o in outcomes if o.question.part == part and o.features is not None]
    x = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=float)
    return x, y


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[float, tuple[float, ...]]:
    """(intercept, weights) maximising the penalised log-likelihood."""
    design = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-design @ beta))
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(beta[0]), tuple(float(b) for b in beta[1:])
