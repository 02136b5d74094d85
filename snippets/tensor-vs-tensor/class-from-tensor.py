import torch

a = torch.zeros(3)
T = torch.Tensor(a)
a.fill_(1)  # change the source after construction

print("T after a.fill_(1):", T)
print("same Python object:", T is a)
print("shares memory:     ", T.data_ptr() == a.data_ptr())

# memo: check tensor-class-shares-torch-data: T.data_ptr() == a.data_ptr()
