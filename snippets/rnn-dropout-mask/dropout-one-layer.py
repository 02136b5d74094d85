# memo: fact one-layer-dropout-warns: bool(caught)
# memo: fact one-layer-dropout-does-nothing: torch.equal(training, evaluation)
# With one layer there is no "between the layers": dropout= has nothing to act on.
import warnings

import torch
from torch import nn

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    lstm = nn.LSTM(input_size=4, hidden_size=8, num_layers=1, dropout=0.5)
for w in caught:
    print(f"{w.category.__name__}: {w.message}")

x = torch.randn(6, 1, 4)  # (time, batch, feature)
training, _ = lstm.train()(x)
evaluation, _ = lstm.eval()(x)
print("training mode gives the same output as evaluation mode:", torch.equal(training, evaluation))
