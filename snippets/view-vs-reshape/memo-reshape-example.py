# The memo's reshape example, as written: `a` is contiguous.
# memo: check reshape-copies: a.data_ptr() != b.data_ptr()
# memo: check permute-view-only-shape: a.data_ptr() != b.data_ptr()
# memo: check reshape-independent: bool((b == 0).all())
# memo: check reshape-memo-example: b.tolist() == [[0, 0, 0], [0, 0, 0]]
import torch

a = torch.zeros((3, 2))
b = a.reshape(2, 3)
a.fill_(1)

print("a =", a)
print("b =", b)
print("same memory address:", a.data_ptr() == b.data_ptr())
print("b._base is a:", b._base is a)
