# From a list, torch.Tensor makes the default floating dtype; torch.tensor infers the dtype from the data:
# Python floats get the default dtype, Python ints int64, and a NumPy array keeps its own dtype.
# memo: fact python-float-follows-default: follows_default
# memo: fact numpy-float64-stays-float64: numpy_keeps
import numpy as np
import torch

follows_default, numpy_keeps = True, True
for default in (torch.float32, torch.float64):
    torch.set_default_dtype(default)
    from_floats = torch.tensor([1.0, 2.0]).dtype
    from_array = torch.tensor(np.zeros(2)).dtype  # a float64 array, NumPy's default
    print(f"default {default}:")
    print(f"  torch.Tensor([1, 2])         -> {torch.Tensor([1, 2]).dtype}")
    print(f"  torch.tensor([1.0, 2.0])     -> {from_floats}")
    print(f"  torch.tensor([1, 2])         -> {torch.tensor([1, 2]).dtype}")
    print(f"  torch.tensor(np.zeros(2))    -> {from_array}")
    follows_default &= from_floats == default
    numpy_keeps &= from_array == torch.float64
torch.set_default_dtype(torch.float32)
