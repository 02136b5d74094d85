import matplotlib.pyplot as plt
import torch
from matplotlib.colors import ListedColormap
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
print("same mask at every step:", bool((kept == kept[0]).all()))

plt.figure(figsize=(4, 3))
plt.imshow(kept.numpy(), cmap=ListedColormap(["lightgray", "tab:blue"]))  # one row a time step
plt.title("LockedDropout(p=0.5): mask on its input")
plt.xlabel("unit (blue: kept, gray: dropped)")
plt.ylabel("time step")
plt.xticks(range(8))
plt.show()
# memo: figure ko: LockedDropout(p=0.5): 입력에 곱한 드롭아웃 마스크

# memo: check rnn-fixed-mask-by-hand: bool((kept == kept[0]).all())
# memo: random-draws
