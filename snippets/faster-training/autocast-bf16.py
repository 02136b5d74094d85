# Autocast runs the operations that gain from it (matmul, linear, conv) in bfloat16; the parameters and
# their gradients stay float32.
import torch

model = torch.nn.Linear(64, 64)
x = torch.randn(8, 64)

with torch.autocast("cpu", dtype=torch.bfloat16):
    out = model(x)  # linear: runs in bfloat16
print("parameters:", model.weight.dtype, "| linear output under autocast:", out.dtype)

out.float().sum().backward()  # backward outside the autocast region, as the documentation recommends
print("gradient:", model.weight.grad.dtype)
print("differs from the float32 result:", not torch.equal(out.float(), model(x)))
