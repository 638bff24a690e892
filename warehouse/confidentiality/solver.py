"""A linear programme in HiGHS from flat arrays, as the check and the shield both need it."""

from __future__ import annotations

import highspy
import numpy as np


def highs_model(
    cost: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
) -> highspy.Highs:
    """A quiet solver holding min cost·x, row_lower <= A x <= row_upper, col bounds on x.

    A is given entry by entry: `values[e]` at row `rows[e]`, column `cols[e]`.
    """
    size = len(cost)
    # Column-wise: entries by column, then row (one argsort of a single key is the fastest).
    order = np.argsort(cols.astype(np.int64) * len(row_lower) + rows)
    start = np.searchsorted(cols[order], np.arange(size))
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    status = solver.passModel(
        size,
        len(row_lower),
        len(order),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        np.asarray(cost, dtype=np.float64),
        np.asarray(col_lower, dtype=np.float64),
        np.asarray(col_upper, dtype=np.float64),
        np.asarray(row_lower, dtype=np.float64),
        np.asarray(row_upper, dtype=np.float64),
        start.astype(np.int32),
        rows[order].astype(np.int32),
        np.asarray(values, dtype=np.float64)[order],
        np.zeros(size, dtype=np.int32),  # every column continuous
    )
    if status != highspy.HighsStatus.kOk:
        raise ValueError("HiGHS nimmt das lineare Programm nicht an (doppelte Einträge?)")
    return solver
