import torch
from torch import nn
from torch.nn import functional as F

weight = torch.tensor([1.0, 2.0, 3.0])
logits = torch.randn(4, 3)
target = torch.tensor([0, 1, 2, 2])

from_module = nn.CrossEntropyLoss(weight=weight)(logits, target)
from_function = F.cross_entropy(logits, target, weight=weight)
print("nn.CrossEntropyLoss:", from_module)
print("F.cross_entropy:    ", from_function)
print("equal:", torch.equal(from_module, from_function))
