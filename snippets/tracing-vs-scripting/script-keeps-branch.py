# memo: check tracing-script-compiles-source: "if" in scripted.code
# memo: check tracing-script-dynamic-control: torch.equal(scripted(pos), model(pos)) and torch.equal(scripted(neg), model(neg))
# memo: check tracing-script-dynamic-control: scripted_first(torch.tensor([3.0, -1.0, 5.0])) == 1
import torch


class SignGate(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:  # the same data-dependent branch
            return x * 2
        return -x


model = SignGate()
pos = torch.tensor([1.0, 2.0])
neg = torch.tensor([-1.0, -2.0])

scripted = torch.jit.script(model)  # compiles the Python source, no example input
print(scripted.code)
for name, x in [("pos", pos), ("neg", neg)]:
    print(name, "eager:", model(x), "scripted:", scripted(x))


@torch.jit.script
def scripted_first(x: torch.Tensor) -> int:
    found = -1
    for i in range(x.numel()):  # a loop with break, also kept
        if x[i] < 0:
            found = i
            break
    return found


print("first negative index:", scripted_first(torch.tensor([3.0, -1.0, 5.0])))
