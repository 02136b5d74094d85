import torch

# memo: raises TypeError
# memo: check tensor-function-no-data-error: isinstance(raised, TypeError)
T = torch.tensor()  # `data` is a required argument
