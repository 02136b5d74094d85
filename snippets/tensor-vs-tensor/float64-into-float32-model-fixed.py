# Convert once, where the data enters: float32 for a float32 model.
# memo: fact float64-promotes-silently: promoted == torch.float64
import numpy as np
import torch
from torch import nn

model = nn.Linear(2, 1)
features = np.random.rand(4, 2)  # float64

promoted = (torch.from_numpy(features) * model.weight).dtype  # element-wise ops promote instead of raising
print("float64 input * float32 weight ->", promoted)

x = torch.from_numpy(features).float()  # or torch.tensor(features, dtype=torch.float32)
y = model(x)
print("input:", x.dtype, "| output:", y.dtype, tuple(y.shape))
