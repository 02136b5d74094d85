# memo: raises RuntimeError
# Outside inference_mode, an inference tensor cannot be changed in place: it has no version counter to record
# the change in.
import torch

with torch.inference_mode():
    b = torch.nn.Linear(4, 2)(torch.randn(3, 4))
    b.add_(1)  # inside the mode: allowed
print("in-place inside inference_mode: ran")
b.add_(1)
