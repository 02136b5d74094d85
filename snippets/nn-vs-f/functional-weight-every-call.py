import torch
from torch.nn import functional as F

weight = torch.tensor([1.0, 2.0, 3.0])
logits = torch.randn(4, 3)
target = torch.tensor([0, 1, 2, 2])

weighted = F.cross_entropy(logits, target, weight=weight)  # weight in every call
unweighted = F.cross_entropy(logits, target)  # forget it, and it is gone
print("with weight=:   ", weighted)
print("without weight=:", unweighted)

# memo: check nn-functional-weight-every-call: not torch.allclose(weighted, unweighted)
