# Which warning torch.jit.trace and torch.jit.script give on this release: recorded here, rather than shown
# as in the examples above, so that the page can say what this release does.
# memo: fact jit-warning: ", ".join(categories) or "none"
import warnings

import torch


def double(x):
    return x * 2


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch.jit.trace(double, torch.ones(2))
    torch.jit.script(double)

deprecations = [w for w in caught if issubclass(w.category, (DeprecationWarning, FutureWarning))]
for w in deprecations:
    print(f"{w.category.__name__}: {str(w.message).splitlines()[0]}")
categories = sorted({w.category.__name__ for w in deprecations})
print("warning categories:", ", ".join(categories) or "none")
