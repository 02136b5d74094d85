# memo: random-draws
# memo: fact recurrent-mask-fixed: bool((kept[1:] == kept[1]).all())
# Dropout on the recurrent connection itself: a loop over nn.LSTMCell that drops units of the hidden state
# passed from one step to the next, with one mask per sequence (Gal & Ghahramani's variational dropout).
import torch
from torch import nn

T, H, p = 6, 8, 0.5
cell = nn.LSTMCell(input_size=4, hidden_size=H)
x = torch.randn(T, 1, 4)  # (time, batch, feature)
h, c = torch.zeros(1, H), torch.zeros(1, H)
mask = torch.empty(1, H).bernoulli_(1 - p) / (1 - p)  # drawn once per sequence
recurrent_inputs = []
for t in range(T):
    h_in = h * mask  # h(t-1) as the next step sees it
    recurrent_inputs.append(h_in)
    h, c = cell(x[t], (h_in, c))

kept = (torch.cat(recurrent_inputs) != 0).int()
print("units of h(t-1) that reach step t (row t; row 0 is the zero initial state):")
print(kept)
print("same mask at every step:", bool((kept[1:] == kept[1]).all()))
