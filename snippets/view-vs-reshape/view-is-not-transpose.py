# A (batch, time) tensor wanted as (time, batch). view and reshape keep the row-major order of the elements;
# t(), transpose() and permute() move them, among others.
import torch

x = torch.tensor([[1, 2, 3], [10, 20, 30]])  # batch 0: 1, 2, 3; batch 1: 10, 20, 30

wrong = x.view(3, 2)  # the right shape, the wrong elements
right = x.t()  # also x.permute(1, 0) or x.transpose(0, 1)
print("x.view(3, 2) =", wrong.tolist())
print("x.t()        =", right.tolist())
print("same shape:", wrong.shape == right.shape, "| same values:", torch.equal(wrong, right))
print("x.reshape(3, 2) equals x.view(3, 2):", torch.equal(x.reshape(3, 2), wrong))
