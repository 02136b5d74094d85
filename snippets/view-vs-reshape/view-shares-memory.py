# The memo's view example, as written.
# memo: check view-shares-memory: a.data_ptr() == b.data_ptr()
# memo: check view-follows-original: bool((b == 1).all())
import torch

a = torch.zeros((3, 2))
b = a.view(2, 3)
a.fill_(1)

print("a =", a)
print("b =", b)
print("same memory address:", a.data_ptr() == b.data_ptr())
