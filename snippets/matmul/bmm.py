import torch

batch1 = torch.randn(5, 2, 3)
batch2 = torch.randn(5, 3, 4)
result = torch.bmm(batch1, batch2)  # 3-D only, the same batch size on both sides
print("bmm((5, 2, 3), (5, 3, 4)) shape:", result.shape)
print("same as matmul:", torch.allclose(result, torch.matmul(batch1, batch2)))
