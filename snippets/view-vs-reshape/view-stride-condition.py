# view needs no contiguous tensor, only dimensions it can merge: d and d+1 merge when stride[d] equals
# stride[d+1] * size[d+1]. Splitting a dimension always works.
# memo: fact view-merges-on-non-contiguous: not z.is_contiguous() and merged.data_ptr() == z.data_ptr()
# memo: fact view-refuses-other-merge: refused == "RuntimeError"
import torch

z = torch.arange(24).reshape(2, 3, 4)[:, :, :2]  # keep 2 of the 4 columns: gaps in memory
print("z.shape:", tuple(z.shape), " z.stride():", z.stride(), " z.is_contiguous():", z.is_contiguous())
for d in range(z.dim() - 1):
    mergeable = z.stride(d) == z.stride(d + 1) * z.size(d + 1)
    print(f"dims {d} and {d + 1}: stride {z.stride(d)} == {z.stride(d + 1)} * {z.size(d + 1)}? {mergeable}")

merged = z.view(6, 2)  # merges dims 0 and 1
print("z.view(6, 2): works, shares memory with z:", merged.data_ptr() == z.data_ptr())
print("z.view(2, 3, 2, 1): works (a split)       :", tuple(z.view(2, 3, 2, 1).shape))
try:
    z.view(2, 6)  # would merge dims 1 and 2
    refused = "nothing"
except RuntimeError as e:
    refused = type(e).__name__
print("z.view(2, 6) raises:", refused)
