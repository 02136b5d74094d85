# The same linear layer written two ways: with a submodule, and with a plain tensor used through F.linear.
import torch
from torch import nn
from torch.nn import functional as F


class WithModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)  # a submodule: registered with its parameters

    def forward(self, x):
        return self.linear(x)


class WithPlainTensors(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.randn(2, 3, requires_grad=True)  # a plain attribute: not registered

    def forward(self, x):
        return F.linear(x, self.weight)


for model in (WithModule(), WithPlainTensors()):
    name = type(model).__name__
    print(f"{name}: parameters() {[n for n, _ in model.named_parameters()]},",
          f"state_dict() {list(model.state_dict())}")
    model.to(torch.float64)
    weight = model.linear.weight if isinstance(model, WithModule) else model.weight
    print(f"{name}: after .to(torch.float64) the weight is {weight.dtype}")

model = WithModule().eval()
print("WithModule().eval(): the submodule's training flag:", model.linear.training)
