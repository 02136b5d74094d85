# memo: nondeterministic
import resource

import torch

model = torch.nn.Sequential(*[torch.nn.Linear(1024, 1024) for _ in range(4)])
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
x = torch.randn(8, 1024)


def page_faults():  # minor page faults of this process so far (Linux)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


for set_to_none in (True, False):
    for _ in range(2):  # warm up
        optimizer.zero_grad(set_to_none=set_to_none)
        model(x).sum().backward()
    before = page_faults()
    for _ in range(5):
        optimizer.zero_grad(set_to_none=set_to_none)
        model(x).sum().backward()
    per_step = (page_faults() - before) / 5
    print(f"set_to_none={set_to_none!s:5}  page faults per step: {per_step:.0f}")
