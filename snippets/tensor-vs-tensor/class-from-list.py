import torch

values = [0.0, 0.0, 0.0]
T = torch.Tensor(values)
values[0] = 1.0  # change the source after construction

print("list after the change:", values)
print("T after the change:   ", T)

# memo: check tensor-class-copies-list-numpy: T[0].item() == 0.0
