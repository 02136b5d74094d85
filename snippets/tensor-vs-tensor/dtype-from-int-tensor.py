import torch

ints = torch.tensor([1, 2, 3])  # already a tensor, dtype int64
T = torch.Tensor(ints)
print("source dtype:          ", ints.dtype)
print("torch.Tensor(...) dtype:", T.dtype)
print("shares memory:         ", T.data_ptr() == ints.data_ptr())

# memo: check tensor-class-int-to-float: T.dtype.is_floating_point
