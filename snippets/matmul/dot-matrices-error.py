import torch

# memo: raises RuntimeError
# memo: check matmul-dot-vectors: isinstance(raised, RuntimeError)
a = torch.ones(2, 3)
torch.dot(a, a)  # dot accepts 1-D tensors only
