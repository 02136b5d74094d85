import torch

batch = torch.randn(5, 2, 3)  # 5 matrices of shape (2, 3)
b = torch.randn(3, 4)  # one matrix, broadcast to all 5
result = torch.matmul(batch, b)
print("matmul((5, 2, 3), (3, 4)) shape:", result.shape)

one_by_one = torch.stack([torch.mm(m, b) for m in batch])
print("same as an mm per matrix:", torch.allclose(result, one_by_one))

# batch dimensions broadcast against each other as well
print("(5, 1, 2, 3) @ (4, 3, 4) shape:", (torch.ones(5, 1, 2, 3) @ torch.ones(4, 3, 4)).shape)

# memo: check matmul-matmul-broadcasting: result.shape == (5, 2, 4) and torch.allclose(result, one_by_one)
