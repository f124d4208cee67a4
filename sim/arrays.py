"""Type aliases of the numpy arrays passed between layers (one home for them)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["BoolArray", "ComplexArray", "FloatArray", "IndexArray", "IntArray"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ComplexArray = npt.NDArray[np.complex128]
#: Indices as numpy makes them (``np.intp``).
IndexArray = npt.NDArray[np.intp]
