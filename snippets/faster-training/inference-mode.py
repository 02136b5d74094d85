# memo: raises RuntimeError
# memo: fact inference-add-backward-runs: add_ran
# memo: fact inference-clone-backward-runs: clone_ran
# An inference tensor can take part in a computation that autograd records; what fails is an operation that
# must save it for backward.
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

(model(x) + b).sum().backward()  # the gradient of + does not need b: nothing to save
add_ran = True
print("(model(x) + b).sum().backward(): ran")
(model(x) * b.clone()).sum().backward()  # a clone made outside the mode is a normal tensor
clone_ran = True
print("(model(x) * b.clone()).sum().backward(): ran")
(model(x) * b).sum().backward()  # the gradient of * needs b: autograd would have to save it
