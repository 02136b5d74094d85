import torch

T = torch.Tensor()  # no data at all
print("T:", T)
print("shape:", T.shape, "numel:", T.numel(), "dtype:", T.dtype)

# memo: check tensor-class-empty: T.numel() == 0
