import torch
from torch import nn


class LockedDropout(nn.Module):
    """Dropout with one mask per sequence, shared by all time steps."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):  # x: (time, batch, feature)
        if not self.training or self.p == 0:
            return x
        mask = x.new_empty(1, x.size(1), x.size(2)).bernoulli_(1 - self.p) / (1 - self.p)
        return x * mask  # the (1, batch, feature) mask broadcasts over time


locked = LockedDropout(p=0.5)
output = locked(torch.ones(6, 1, 8))
kept = (output[:, 0] != 0).int()
print("kept units, one row per time step:")
print(kept)
print("same mask at every step:", bool((kept == kept[0]).all()))

# memo: check rnn-fixed-mask-by-hand: bool((kept == kept[0]).all())
# memo: random-draws
