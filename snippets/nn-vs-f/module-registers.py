# The same linear layer written two ways: with a submodule, and with a plain tensor used through F.linear.
# memo: fact only-module-registers: bool(registered["WithModule"]) and not registered["WithPlainTensors"]
# memo: fact only-module-follows-to: dtypes["WithModule"] == torch.float64 and dtypes["WithPlainTensors"] == torch.float32
# memo: fact eval-reaches-submodule: not model.linear.training
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


registered, dtypes = {}, {}
for model in (WithModule(), WithPlainTensors()):
    name = type(model).__name__
    registered[name] = [n for n, _ in model.named_parameters()]
    print(f"{name}: parameters() {registered[name]}, state_dict() {list(model.state_dict())}")
    model.to(torch.float64)
    dtypes[name] = (model.linear.weight if isinstance(model, WithModule) else model.weight).dtype
    print(f"{name}: after .to(torch.float64) the weight is {dtypes[name]}")

model = WithModule().eval()
print("WithModule().eval(): the submodule's training flag:", model.linear.training)
