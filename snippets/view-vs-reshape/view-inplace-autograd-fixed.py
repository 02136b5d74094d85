# The same computation without the in-place change: `v * 2` makes a new tensor, and y stays as sigmoid saved it.
# memo: fact out-of-place-backward-runs: w.grad is not None and y._version == 0
import torch

w = torch.ones(3, requires_grad=True)
y = w.sigmoid()
v = y.view(3, 1) * 2  # out of place
y.sum().backward()
print("y._version:", y._version, "| w.grad:", w.grad)
