import warnings

import numpy as np
import torch

source_tensor = torch.zeros(3)
source_array = np.zeros(3, dtype=np.float32)

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from_tensor = torch.tensor(source_tensor)
from_array = torch.tensor(source_array)

print("from a tensor, shares memory:         ",
      from_tensor.data_ptr() == source_tensor.data_ptr())
print("from a float32 ndarray, shares memory:", np.shares_memory(source_array, from_array.numpy()))
print("warning:", caught[0].category.__name__, "-", caught[0].message)

# memo: fact copy-warning-detach-first: "detach().clone()" in str(caught[0].message)
# memo: check tensor-function-copies: from_tensor.data_ptr() != source_tensor.data_ptr() and not np.shares_memory(source_array, from_array.numpy())
