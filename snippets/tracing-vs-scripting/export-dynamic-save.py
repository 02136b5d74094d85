# memo: requires torch>=2.3
# Export with a dynamic batch dimension, save the program to a file, load it back and run it.
# memo: fact export-static-batch-fails: static_failed
# memo: fact export-dynamic-matches-eager: all(matches)
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
try:
    static(torch.randn(5, 4))
    static_failed = False
    print("static export, batch 5: ran")
except Exception as e:
    static_failed = True
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
