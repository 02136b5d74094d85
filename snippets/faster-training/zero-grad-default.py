# memo: fact zero-grad-sets-none: model.weight.grad is None
import inspect

import torch

model = torch.nn.Linear(3, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

print("Optimizer.zero_grad", inspect.signature(torch.optim.Optimizer.zero_grad))
print("Module.zero_grad   ", inspect.signature(torch.nn.Module.zero_grad))

model(torch.randn(4, 3)).sum().backward()
print("before zero_grad(): grad is None =", model.weight.grad is None)
optimizer.zero_grad()  # with its default set_to_none
print("after zero_grad():  grad is None =", model.weight.grad is None)
