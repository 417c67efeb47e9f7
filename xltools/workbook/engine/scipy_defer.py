"""Load `formulas.functions` without paying for scipy until a function actually needs it.

`formulas.functions.stat` does `from scipy import stats, linalg` and `from scipy.interpolate
import interp1d` when it loads (about 1 s here), and `formulas` loads every function module
at once; our workbooks use none of the functions that need scipy. While that module loads,
stand-ins for those three names are put in `sys.modules`; each stand-in imports the real
object on first use and delegates to it, so a workbook that calls, say, NORM.S.INV still
gets scipy's answer.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_NAMES = {"scipy": ("stats", "linalg"), "scipy.interpolate": ("interp1d",)}


class _Deferred:
    def __init__(self, module: str, attr: str | None) -> None:
        self._where = (module, attr)
        self._real: Any = None

    def _resolve(self) -> Any:
        if self._real is None:
            module, attr = self._where
            self._real = importlib.import_module(module)
            if attr is not None:
                self._real = getattr(self._real, attr)
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._resolve(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)


def load_functions() -> dict[str, Any]:
    """`formulas.functions.get_functions()`, with the scipy imports of its stat module deferred."""
    if "formulas.functions.stat" not in sys.modules and "scipy" not in sys.modules:
        saved = {name: sys.modules.get(name) for name in _NAMES}
        try:
            for name, attrs in _NAMES.items():
                stub = types.ModuleType(name)
                for attr in attrs:
                    real = f"{name}.{attr}" if name == "scipy" else name
                    setattr(stub, attr, _Deferred(real, None if name == "scipy" else attr))
                sys.modules[name] = stub
            importlib.import_module("formulas.functions.stat")
        finally:
            for name, old in saved.items():
                if old is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = old
    from formulas.functions import get_functions

    return get_functions()
