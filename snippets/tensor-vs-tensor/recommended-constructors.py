# The table's constructors, made from the same sources; then the sources change in place. A result that shares
# memory with its source sees the change; a copy does not.
# memo: fact constructors-sharing: ", ".join(name for name, t in made.items() if shares(name, t))
import numpy as np
import torch

array = np.zeros(3)  # float64
source = torch.zeros(3)
made = {
    "torch.tensor(array)": torch.tensor(array),
    "torch.from_numpy(array)": torch.from_numpy(array),
    "torch.as_tensor(array)": torch.as_tensor(array),
    "torch.as_tensor(array, dtype=float32)": torch.as_tensor(array, dtype=torch.float32),
    "torch.asarray(array, copy=True)": torch.asarray(array, copy=True),
    "source.clone()": source.clone(),
}
array[0] = 1.0
source[0] = 1.0


def shares(name, t):
    return np.shares_memory(array, t.numpy()) if "array" in name else t.data_ptr() == source.data_ptr()


for name, t in made.items():
    print(f"{name:38} {str(t.dtype):14} shares memory: {str(shares(name, t)):5}  sees the change: {t[0].item() == 1}")
