"""The worked example of the Balk-Barbero-Zofío TFP Toolbox for MATLAB, shared by the index-number tests."""

from __future__ import annotations

import pandas as pd

# Balk, Barbero and Zofío (2020), "A toolbox for calculating and decomposing total factor productivity
# indices", Computers & Operations Research 115, 104853: the worked example of their TFP Toolbox for MATLAB
# 1.0 (examples/tfpExamplesToolbox.m): five units, two periods, two inputs and two outputs, prices common to
# the units of a period.
X0 = [[3, 2], [4, 3], [4, 5], [8, 10], [6, 4]]
X1 = [[5, 3], [3, 2], [4, 3], [4, 8], [6, 8]]
Y0 = [[9, 5], [12, 10], [11, 10], [4, 3], [6, 10]]
Y1 = [[7, 4], [11, 9], [12, 10], [5, 4], [4, 6]]
W0, W1, P0, P1 = [2, 1], [3, 4], [3, 2], [3, 5]
# The toolbox's share-weighted (Törnqvist) productivity index "GProd" of the five units, as it exports it
# (examplesWP_ERS-2018-004-LIS/tfpgprod_results.csv, 15 significant digits).
TOOLBOX_GPROD = [0.489251445201451, 1.26601734122729, 1.31159274417091, 1.98216762417882, 0.458740398038661]


def toolbox_panel() -> pd.DataFrame:
    rows = []
    for t, (x, y, w, p) in enumerate([(X0, Y0, W0, P0), (X1, Y1, W1, P1)]):
        for unit in range(5):
            rows.append({"unit": unit + 1, "t": t, "x1": x[unit][0], "x2": x[unit][1], "y1": y[unit][0],
                         "y2": y[unit][1], "w1": w[0], "w2": w[1], "p1": p[0], "p2": p[1]})
    return pd.DataFrame(rows).astype({c: float for c in ["x1", "x2", "y1", "y2", "w1", "w2", "p1", "p2"]})
