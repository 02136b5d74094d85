# The same argument, 3, to the class and to the function.
import torch

T = torch.Tensor(3)  # an int is read as a size: 3 uninitialised elements (their values are arbitrary)
t = torch.tensor(3)  # an int is read as data: a 0-d tensor holding 3
print("torch.Tensor(3): shape", tuple(T.shape), "dtype", T.dtype)
print("torch.tensor(3): shape", tuple(t.shape), "dtype", t.dtype, "value", t.item())
