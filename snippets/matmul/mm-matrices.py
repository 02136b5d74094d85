import torch

a = torch.ones(2, 3)
b = torch.ones(3, 4)
result = torch.mm(a, b)
print("mm((2, 3), (3, 4)) shape:", result.shape)

# memo: check matmul-mm-matrices: result.shape == (2, 4)
