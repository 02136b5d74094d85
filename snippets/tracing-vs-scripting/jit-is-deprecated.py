# Collect the warnings that torch.jit.trace and torch.jit.script emit.
# Python hides DeprecationWarnings raised inside libraries by default,
# so a plain script never shows them: record them instead.
import warnings

import torch


def double(x):
    return x * 2


for api in (torch.jit.trace, torch.jit.script):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if api is torch.jit.trace:
            api(double, torch.ones(1))
        else:
            api(double)
    for w in caught:
        print(f"{api.__name__}: {w.category.__name__}: {w.message}")
