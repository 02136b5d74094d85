import numpy as np
import torch

array = np.zeros(3)  # float64
shared = torch.from_numpy(array)  # always shares, keeps float64
maybe_shared = torch.as_tensor(array)  # shares when no conversion is needed
converted = torch.as_tensor(array, dtype=torch.float32)  # conversion forces a copy
array[0] = 1.0

print("from_numpy:               ", shared.dtype, np.shares_memory(array, shared.numpy()))
print("as_tensor:                ", maybe_shared.dtype, np.shares_memory(array, maybe_shared.numpy()))
print("as_tensor(dtype=float32): ", converted.dtype, np.shares_memory(array, converted.numpy()))
print("shared[0] after the change:", shared[0].item())
