import matplotlib.pyplot as plt
import torch
from matplotlib.colors import ListedColormap
from torch import nn

T, H, big = 6, 8, 1e4
gru = nn.GRU(input_size=1, hidden_size=H, num_layers=2, dropout=0.5)
with torch.no_grad():  # gates are stacked as (reset, update, new)
    for p in gru.parameters():
        p.zero_()
    # layer 0: update gate closed, new state tanh(big) = 1 at every step
    gru.bias_ih_l0.copy_(torch.tensor([0.0, -big, big]).repeat_interleave(H))
    # layer 1: outputs tanh(x) of its (dropped-out) input x: zero exactly where it was dropped
    gru.bias_ih_l1.copy_(torch.tensor([0.0, -big, 0.0]).repeat_interleave(H))
    gru.weight_ih_l1[2 * H:3 * H] = torch.eye(H)

gru.train()
output, _ = gru(torch.zeros(T, 1, 1))  # (time, batch, feature)
kept = (output[:, 0] != 0).int()  # 1 = kept by the dropout between the layers
print("same mask at every step:", bool((kept == kept[0]).all()))

gru.eval()  # no dropout: every unit is kept
print("eval mode, all kept:", bool((gru(torch.zeros(T, 1, 1))[0] != 0).all()))

plt.figure(figsize=(4, 3))
plt.imshow(kept.numpy(), cmap=ListedColormap(["lightgray", "tab:blue"]))  # one row a time step
plt.title("nn.GRU(dropout=0.5), training: mask between layers")
plt.xlabel("unit (blue: kept, gray: dropped)")
plt.ylabel("time step")
plt.xticks(range(H))
plt.show()
# memo: figure ko: nn.GRU(dropout=0.5) 학습 모드: 층 사이의 드롭아웃 마스크

# memo: check rnn-builtin-mask-changes-per-step: not bool((kept == kept[0]).all())
# memo: random-draws
