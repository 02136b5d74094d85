# memo: requires torch>=2.0
import torch

a = torch.zeros(3)
T = torch.Tensor(a)
a.fill_(1)  # change the source after construction

print("T after a.fill_(1):", T)
print("same Python object:", T is a)
print("shares memory:     ", T.untyped_storage().data_ptr() == a.untyped_storage().data_ptr())

# memo: check tensor-class-shares-torch-data: T.untyped_storage().data_ptr() == a.untyped_storage().data_ptr()
