# permute only changes the shape and strides (a view); contiguous() rearranges the data into a new memory.
# memo: check permute-view-only-shape: p.data_ptr() == x.data_ptr()
import torch

x = torch.arange(6).reshape(2, 3)
p = x.permute(1, 0)
print("p =", p)
print("p.stride():", p.stride(), " p.is_contiguous():", p.is_contiguous())
print("p shares memory with x:", p.data_ptr() == x.data_ptr())

c = p.contiguous()
print("c.stride():", c.stride(), " c.is_contiguous():", c.is_contiguous())
print("c shares memory with x:", c.data_ptr() == x.data_ptr())
print("c.view(6) =", c.view(6))
