# view never copies, so it refuses a shape the memory layout cannot express.
# memo: raises RuntimeError
import torch

a = torch.zeros((3, 2))
t = a.t()
print("t.is_contiguous():", t.is_contiguous())
b = t.view(6)
