# Each backward() computes a new gradient tensor, whatever zero_grad() did; the hook sees it.
import torch

model = torch.nn.Linear(256, 256)
x = torch.randn(8, 256)
computed = {}
model.weight.register_hook(lambda grad: computed.update(data_ptr=grad.data_ptr()))

for set_to_none in (False, True):
    model(x).sum().backward()  # so that .grad exists before the first step below
    for step in (1, 2):
        before = model.weight.grad
        model.zero_grad(set_to_none=set_to_none)
        model(x).sum().backward()
        grad = model.weight.grad
        print(f"set_to_none={set_to_none!s:5} step {step}:",
              ".grad is the tensor backward computed:", grad.data_ptr() == computed["data_ptr"],
              "| same .grad tensor as before:", grad is before)
