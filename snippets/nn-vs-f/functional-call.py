# Call a module with other parameters than its own, without changing it.
# memo: fact functional-call-in-torch-func: where == "torch.func"
# memo: fact functional-call-leaves-module: torch.equal(before, after) and swapped.item() == 5.0
import torch
from torch import nn

try:
    from torch.func import functional_call  # torch 2.0 and later
    where = "torch.func"
except ImportError:
    from torch.nn.utils.stateless import functional_call  # torch 1.13
    where = "torch.nn.utils.stateless"

model = nn.Linear(2, 1)
x = torch.ones(1, 2)
params = {"weight": torch.zeros(1, 2), "bias": torch.full((1,), 5.0)}

before = model(x)
swapped = functional_call(model, params, (x,))
after = model(x)
print("functional_call from", where)
print("model(x):                            ", before.tolist())
print("functional_call(model, params, (x,)):", swapped.tolist())
print("model(x) again:                      ", after.tolist())
