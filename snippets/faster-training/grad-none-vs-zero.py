# memo: check faster-training-grad-none-resets: same_gradients
import torch

model = torch.nn.Linear(3, 2)
x = torch.randn(4, 3)


def backward():
    model(x).sum().backward()
    return [p.grad.clone() for p in model.parameters()]


backward()
weight_grad = model.weight.grad
for param in model.parameters():  # zeroing: same tensor, filled with zeros
    param.grad.zero_()
print("after zero_(): grad =", model.weight.grad[0])
print("  same tensor as before:", model.weight.grad is weight_grad)
grads_after_zero = backward()

for param in model.parameters():  # the memo's loop: drop the gradient tensor
    param.grad = None
print("after = None:  grad =", model.weight.grad)
grads_after_none = backward()

same_gradients = all(torch.equal(a, b) for a, b in zip(grads_after_none, grads_after_zero))
print("next backward gives the same gradients:", same_gradients)
