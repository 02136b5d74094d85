# Three ways to write dropout in a model, all run in eval mode, where dropout should do nothing.
# memo: fact eval-only-plain-f-dropout-drops: [n for n, out in outputs.items() if out.eq(0).any()] == ["F.dropout(x, 0.5)"]
import torch
from torch import nn
from torch.nn import functional as F


class Dropouts(nn.Module):
    def __init__(self):
        super().__init__()
        self.dropout = nn.Dropout(p=0.5)

    def forward(self, x):
        return {
            "nn.Dropout": self.dropout(x),  # follows model.train() / model.eval()
            "F.dropout(x, 0.5)": F.dropout(x, 0.5),  # training=True by default
            "F.dropout(x, 0.5, training=self.training)": F.dropout(x, 0.5, training=self.training),
        }


model = Dropouts().eval()
outputs = model(torch.ones(1000))
print("model.training:", model.training)
for name, out in outputs.items():
    print(f"{name:42} zeros: {int((out == 0).sum()):3}  unchanged: {torch.equal(out, torch.ones(1000))}")

# memo: random-draws
