# memo: raises RuntimeError
# inference_mode is no_grad plus less bookkeeping: its tensors can never enter autograd later.
import torch

model = torch.nn.Linear(4, 2)
x = torch.randn(3, 4)

with torch.no_grad():
    a = model(x)
with torch.inference_mode():
    b = model(x)
print("no_grad:        requires_grad", a.requires_grad, "| inference tensor:", a.is_inference())
print("inference_mode: requires_grad", b.requires_grad, "| inference tensor:", b.is_inference())
print("same values:", torch.equal(a, b))

(model(x) * a).sum().backward()  # a tensor made under no_grad can join a later graph
print("no_grad output used in backward: fine")
(model(x) * b).sum().backward()  # an inference tensor cannot
