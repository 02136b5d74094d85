# memo: requires torch>=2.3
# memo: fact static-export-rejects-batch-5: static_error is not None
# memo: fact dynamic-export-matches-eager: all(matches)
# Export with a dynamic batch dimension, save the program to a file, load it back and run it.
import torch
from torch.export import Dim


class Scale(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.linear(x) * 2


model = Scale()
example = (torch.randn(3, 4),)

static = torch.export.export(model, example).module()  # the example's batch size 3 is baked in
static_error = None
try:
    static(torch.randn(5, 4))
    print("static export, batch 5: ran")
except Exception as e:
    static_error = e
    print("static export, batch 5:", type(e).__name__, "-", str(e).strip().splitlines()[0])

program = torch.export.export(model, example, dynamic_shapes={"x": {0: Dim("batch")}})
torch.export.save(program, "scale.pt2")
loaded = torch.export.load("scale.pt2").module()
matches = []
for n in (3, 5, 8):
    x = torch.randn(n, 4)
    matches.append(torch.allclose(loaded(x), model(x)))
    print(f"dynamic export, saved and loaded, batch {n}: output shape {tuple(loaded(x).shape)},",
          "same as eager:", matches[-1])
