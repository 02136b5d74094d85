# memo: requires torch>=2.0
# The memo's reshape example, as written: `a` is contiguous.
# memo: check reshape-copies: a.untyped_storage().data_ptr() != b.untyped_storage().data_ptr()
# memo: check permute-view-only-shape: a.untyped_storage().data_ptr() != b.untyped_storage().data_ptr()
# memo: check reshape-independent: bool((b == 0).all())
import torch

a = torch.zeros((3, 2))
b = a.reshape(2, 3)
a.fill_(1)

print("a =", a)
print("b =", b)
print("same storage:", a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr())
print("b._base is a:", b._base is a)
