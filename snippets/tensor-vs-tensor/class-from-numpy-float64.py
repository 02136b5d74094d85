import numpy as np
import torch

array = np.zeros(3)  # float64, NumPy's default
T = torch.Tensor(array)
array[0] = 1.0  # change the source after construction

print("array dtype:         ", array.dtype)
print("T dtype:             ", T.dtype)
print("T after the change:  ", T)
print("shares memory:       ", np.shares_memory(array, T.numpy()))

# memo: check tensor-class-copies-list-numpy: not np.shares_memory(array, T.numpy())
