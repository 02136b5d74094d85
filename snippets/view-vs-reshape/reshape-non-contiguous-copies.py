# reshape of a non-contiguous tensor cannot be a view: here it copies.
# memo: check reshape-copies: a.data_ptr() != b.data_ptr()
# memo: check permute-view-only-shape: a.data_ptr() != b.data_ptr()
# memo: check reshape-independent: bool((b == 0).all())
import torch

a = torch.zeros((3, 2))
t = a.t()  # a transpose: same memory, strides swapped
print("t.is_contiguous():", t.is_contiguous(), " t.stride():", t.stride())

b = t.reshape(6)
a.fill_(1)

print("b =", b)
print("same memory address:", a.data_ptr() == b.data_ptr())
