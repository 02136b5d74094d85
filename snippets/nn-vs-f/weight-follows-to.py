# The loss's weight as a registered buffer (nn.CrossEntropyLoss) and as a plain attribute next to F.cross_entropy.
# This site runs on the CPU, so the device it moves them to is `meta` (shapes and dtypes, no data).
# memo: fact loss-weight-follows-to: criterion.weight.device.type == "meta" and plain.weight.device.type == "cpu"
import torch
from torch import nn
from torch.nn import functional as F


class PlainWeightLoss(nn.Module):
    def __init__(self, weight):
        super().__init__()
        self.weight = weight  # a plain tensor attribute: not registered

    def forward(self, logits, target):
        return F.cross_entropy(logits, target, weight=self.weight)


criterion = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 3.0]))
plain = PlainWeightLoss(torch.tensor([1.0, 2.0, 3.0]))
for to in (torch.float64, "meta"):
    criterion.to(to)
    plain.to(to)
    print(f"after .to({to!r}): nn.CrossEntropyLoss weight {criterion.weight.dtype} on {criterion.weight.device},",
          f"plain attribute {plain.weight.dtype} on {plain.weight.device}")
