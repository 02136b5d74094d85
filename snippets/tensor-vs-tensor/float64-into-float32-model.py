# NumPy makes float64 by default; torch.from_numpy and torch.tensor keep it. A model's parameters are float32.
# memo: raises RuntimeError
# memo: fact float64-model-error-names-dtype: "dtype" in str(raised) or "Double" in str(raised)
import numpy as np
import torch
from torch import nn

model = nn.Linear(2, 1)
features = np.random.rand(4, 2)  # float64
x = torch.from_numpy(features)
print("model weight:", model.weight.dtype, "| input:", x.dtype)
model(x)
