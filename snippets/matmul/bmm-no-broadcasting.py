import torch

# memo: raises RuntimeError
batch1 = torch.ones(5, 2, 3)
batch2 = torch.ones(1, 3, 4)  # matmul would broadcast this batch of 1
torch.bmm(batch1, batch2)
