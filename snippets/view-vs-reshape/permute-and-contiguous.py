# permute copies nothing (a view with new strides), but it does change the order in which the elements are read;
# contiguous() rearranges the data into new memory in that order.
# memo: check permute-view-only-shape: p.data_ptr() == x.data_ptr()
# memo: fact permute-shares-and-reorders: p.data_ptr() == x.data_ptr() and not torch.equal(p, x.view(3, 2))
import torch

x = torch.arange(6).reshape(2, 3)
p = x.permute(1, 0)
print("p =", p)
print("p.stride():", p.stride(), " p.is_contiguous():", p.is_contiguous())
print("p shares memory with x:", p.data_ptr() == x.data_ptr())
print("x.view(3, 2) =", x.view(3, 2).tolist(), "| equal to p:", torch.equal(p, x.view(3, 2)))

c = p.contiguous()
print("c.stride():", c.stride(), " c.is_contiguous():", c.is_contiguous())
print("c shares memory with x:", c.data_ptr() == x.data_ptr())
print("c.view(6) =", c.view(6))
