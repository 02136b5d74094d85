import torch

u = torch.tensor([1.0, 2.0, 3.0])
v = torch.tensor([4.0, 5.0, 6.0])
result = torch.dot(u, v)  # 1*4 + 2*5 + 3*6
print("dot(u, v):", result, "shape:", result.shape)

# memo: check matmul-dot-vectors: result.dim() == 0 and result.item() == 32.0
