import inspect

from torch import nn
from torch.nn import functional as F

print("nn.CrossEntropyLoss is a class:    ", inspect.isclass(nn.CrossEntropyLoss))
print("... and an nn.Module subclass:     ", issubclass(nn.CrossEntropyLoss, nn.Module))
print("F.cross_entropy is a function:     ", inspect.isfunction(F.cross_entropy))
print("nn.CrossEntropy exists (memo name):", hasattr(nn, "CrossEntropy"))

# memo: check nn-module-is-class: inspect.isclass(nn.CrossEntropyLoss) and issubclass(nn.CrossEntropyLoss, nn.Module)
# memo: check nn-functional-is-function: inspect.isfunction(F.cross_entropy)
# memo: fact nn-crossentropy-missing: not hasattr(nn, "CrossEntropy")
