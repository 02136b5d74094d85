import inspect

import torch

model = torch.nn.Linear(3, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

print("Optimizer.zero_grad", inspect.signature(torch.optim.Optimizer.zero_grad))
print("Module.zero_grad   ", inspect.signature(torch.nn.Module.zero_grad))

model(torch.randn(4, 3)).sum().backward()
print("before zero_grad(): grad is None =", model.weight.grad is None)
optimizer.zero_grad()  # default set_to_none=True: the memo's loop
print("after zero_grad():  grad is None =", model.weight.grad is None)
