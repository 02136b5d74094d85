# memo: nondeterministic
# memo: fact timing-narrow-none-faster: medians[128, True] < medians[128, False]
# memo: fact timing-wide-none-slower: medians[1024, True] > medians[1024, False]
import torch
from torch.utils.benchmark import Timer

STEP = "optimizer.zero_grad(set_to_none=set_to_none); model(x).sum().backward()"
medians = {}
for width in (128, 1024):  # 4 layers of width x width weights
    model = torch.nn.Sequential(*[torch.nn.Linear(width, width) for _ in range(4)])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(8, width)
    for set_to_none in (True, False):
        names = dict(optimizer=optimizer, model=model, x=x, set_to_none=set_to_none)
        measurement = Timer(STEP, globals=names).blocked_autorange(min_run_time=0.4)
        medians[width, set_to_none] = measurement.median
        us = measurement.median * 1e6
        print(f"width {width:4d}  set_to_none={set_to_none!s:5}  median {us:8.1f} us per step")
    ratio = medians[width, True] / medians[width, False]
    print(f"width {width:4d}  set_to_none=True takes {ratio:.2f}x the time of False")
