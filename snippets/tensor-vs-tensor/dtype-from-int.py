import numpy as np
import torch

from_list_class = torch.Tensor([1, 2, 3])
from_list_function = torch.tensor([1, 2, 3])
print("torch.Tensor([1, 2, 3]).dtype:", from_list_class.dtype)
print("torch.tensor([1, 2, 3]).dtype:", from_list_function.dtype)

ints = np.array([1, 2, 3])  # int64 ndarray
from_array_class = torch.Tensor(ints)
from_array_function = torch.tensor(ints)
print("torch.Tensor(int64 ndarray).dtype:", from_array_class.dtype)
print("torch.tensor(int64 ndarray).dtype:", from_array_function.dtype)

# memo: check tensor-class-int-to-float: from_list_class.dtype == torch.float32 and from_array_class.dtype == torch.float32
# memo: check tensor-function-int-to-int: from_list_function.dtype == torch.int64 and from_array_function.dtype == torch.int64
