import torch

# memo: raises RuntimeError
# memo: check matmul-mm-no-broadcasting: isinstance(raised, RuntimeError)
batch = torch.ones(5, 2, 3)  # 5 matrices of shape (2, 3)
b = torch.ones(3, 4)
torch.mm(batch, b)  # mm does not broadcast over a batch dimension
