# memo: check tracing-records-flow: torch.equal(traced(pos), model(pos)) and "if" not in traced.code
# memo: check tracing-statically-fixed: not torch.equal(traced(neg), model(neg))
import torch


class SignGate(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:  # data-dependent branch
            return x * 2
        return -x


model = SignGate()
pos = torch.tensor([1.0, 2.0])
neg = torch.tensor([-1.0, -2.0])

traced = torch.jit.trace(model, pos)  # runs forward once on `pos` and records the ops
print(traced.code)
for name, x in [("pos", pos), ("neg", neg)]:
    print(name, "eager:", model(x), "traced:", traced(x))
print("traced == eager on neg:", torch.equal(traced(neg), model(neg)))
