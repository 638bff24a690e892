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
    order = np.lexsort((rows, cols))
    lp = highspy.HighsLp()
    lp.num_col_ = size
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(size + 1))
    lp.a_matrix_.index_ = rows[order]
    lp.a_matrix_.value_ = values[order]
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    if solver.passModel(lp) != highspy.HighsStatus.kOk:
        raise ValueError("HiGHS nimmt das lineare Programm nicht an (doppelte Einträge?)")
    return solver
