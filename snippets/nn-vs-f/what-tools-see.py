# The same model twice: ReLU as a submodule, and as a call to F.relu. What do print, hooks and torch.fx see?
# memo: fact hooks-miss-functional: seen["WithFunction"] == ["fc"] and seen["WithModule"] == ["fc", "act"]
# memo: fact fx-records-functional: ("call_function", "relu") in nodes["WithFunction"]
import torch
from torch import fx, nn
from torch.nn import functional as F


class WithModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.fc(x))


class WithFunction(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return F.relu(self.fc(x))


seen, nodes = {}, {}
for model in (WithModule(), WithFunction()):
    name = type(model).__name__
    print(model)
    seen[name] = []
    for sub_name, sub in model.named_children():
        sub.register_forward_hook(lambda module, args, out, sub_name=sub_name: seen[name].append(sub_name))
    model(torch.randn(1, 4))
    print("forward hooks fired for:", seen[name])
    nodes[name] = [(n.op, getattr(n.target, "__name__", n.target)) for n in fx.symbolic_trace(model).graph.nodes
                   if n.op in ("call_module", "call_function")]
    print("torch.fx graph:", nodes[name])
