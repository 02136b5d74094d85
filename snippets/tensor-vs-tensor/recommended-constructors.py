# One intent per constructor, instead of torch.Tensor(...), whose meaning depends on its argument.
import numpy as np
import torch

data = torch.tensor([[1, 2], [3, 4]])  # copies the data, infers int64
floats = torch.tensor([1, 2], dtype=torch.float32)  # copies, with the dtype said
shape_only = torch.empty(2, 3)  # a shape, values uninitialised (like torch.Tensor(2, 3))
zeros = torch.zeros(2, 3)  # a shape, values set
array = np.arange(3.0)
shared = torch.from_numpy(array)  # shares the array's memory and keeps its dtype
as_is = torch.as_tensor(array)  # shares when it can, copies when it must

for name, t in [("tensor", data), ("tensor(dtype=)", floats), ("empty", shape_only), ("zeros", zeros),
                ("from_numpy", shared), ("as_tensor", as_is)]:
    print(f"{name:15} shape {tuple(t.shape)}  dtype {t.dtype}")
