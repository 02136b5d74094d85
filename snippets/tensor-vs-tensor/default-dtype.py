# From a list, torch.Tensor makes the default floating dtype; torch.tensor infers the dtype from the data.
import torch

for default in (torch.float32, torch.float64):
    torch.set_default_dtype(default)
    print(f"default {default}: torch.Tensor([1, 2]) -> {torch.Tensor([1, 2]).dtype},",
          f"torch.tensor([1.0, 2.0]) -> {torch.tensor([1.0, 2.0]).dtype},",
          f"torch.tensor([1, 2]) -> {torch.tensor([1, 2]).dtype}")
torch.set_default_dtype(torch.float32)
