# What one training step runs, operator by operator: the same counts on every run and every machine, unlike a
# timing. With set_to_none=False each step first zeroes every gradient (aten.zero_), then backward adds the new
# gradient into it (aten.add_); with set_to_none=True there is nothing to zero, and backward stores the new one.
# memo: check faster-training-grad-none-faster: ops[True]["aten.zero_"] == 0 < ops[False]["aten.zero_"] and ops[True]["aten.add_"] < ops[False]["aten.add_"]
import collections

import torch
from torch.utils._python_dispatch import TorchDispatchMode  # sees every operator the dispatcher runs


class CountOperators(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.counts = collections.Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.counts[str(func.overloadpacket)] += 1
        return func(*args, **(kwargs or {}))


model = torch.nn.Sequential(*[torch.nn.Linear(64, 64) for _ in range(4)])  # 8 parameters
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
x = torch.randn(8, 64)
model(x).sum().backward()  # every parameter has a gradient before the step that is counted

ops = {}
for set_to_none in (False, True):
    with CountOperators() as counted:
        optimizer.zero_grad(set_to_none=set_to_none)
        model(x).sum().backward()
    ops[set_to_none] = counted.counts
    print(f"set_to_none={set_to_none!s:5}  aten.zero_: {counted.counts['aten.zero_']}  aten.add_: {counted.counts['aten.add_']}")
