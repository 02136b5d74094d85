import torch
from torch import nn

weight = torch.tensor([1.0, 2.0, 3.0])
criterion = nn.CrossEntropyLoss(weight=weight)  # the weight is passed once, here

print("buffers:   ", dict(criterion.named_buffers()))
print("state_dict:", criterion.state_dict())

logits = torch.randn(4, 3)
target = torch.tensor([0, 1, 2, 2])
print("loss:", criterion(logits, target))  # no weight in the call

# memo: check nn-loss-weight-passed-once: torch.equal(dict(criterion.named_buffers())["weight"], weight)
