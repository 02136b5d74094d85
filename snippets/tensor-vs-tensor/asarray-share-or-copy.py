# torch.asarray takes the choice as an argument: copy=None (the default) shares when it can, copy=True always
# copies, copy=False shares or raises.
# memo: raises ValueError
import numpy as np
import torch

array = np.zeros(3)  # float64
shared = torch.asarray(array)
copied = torch.asarray(array, copy=True)
converted = torch.asarray(array, dtype=torch.float32)  # a new dtype needs new memory: a copy
array[0] = 1.0  # change the source after construction

for name, t in [("asarray(array)", shared), ("asarray(array, copy=True)", copied),
                ("asarray(array, dtype=float32)", converted)]:
    print(f"{name:30} {t.dtype}  shares memory: {str(np.shares_memory(array, t.numpy())):5}  t[0]: {t[0].item()}")

torch.asarray(array, dtype=torch.float32, copy=False)  # sharing is impossible here, and copy=False forbids a copy
