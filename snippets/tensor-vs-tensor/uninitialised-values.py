# torch.Tensor(2, 3), like torch.empty(2, 3), takes memory from the allocator and does not initialise it: its
# values are whatever that memory held. Below, a tensor filled with 7.0 is freed and a new one of the same size
# is made, as a training loop does with its temporaries, until the allocator hands the same memory back.
# memo: nondeterministic
# memo: fact uninitialised-reused-freed: reused
import torch

print("torch.Tensor(2, 3) =", torch.Tensor(2, 3))

for attempt in range(1, 11):
    old = torch.full((1024,), 7.0)
    old_address = old.data_ptr()
    del old  # its memory goes back to the allocator, values and all
    new = torch.Tensor(1024)  # uninitialised
    if new.data_ptr() == old_address:
        break
still_seven = int((new == 7).sum())
reused = new.data_ptr() == old_address and still_seven > new.numel() // 2
print(f"attempt {attempt}: the new tensor got the freed memory:", new.data_ptr() == old_address)
print("elements still holding the freed tensor's 7.0:", still_seven, "of", new.numel())
