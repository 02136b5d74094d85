# memo: requires torch>=2.1
# memo: fact compile-matches-eager: all(matches_eager)
# memo: fact compile-graph-breaks: report.graph_break_count
import torch


class SignGate(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:  # the same data-dependent branch
            return x * 2
        return -x


model = SignGate()
pos = torch.tensor([1.0, 2.0])
neg = torch.tensor([-1.0, -2.0])

# backend="eager": Dynamo captures the graphs, no C++ code generation (fast, no compiler)
compiled = torch.compile(model, backend="eager")
matches_eager = []
for name, x in [("pos", pos), ("neg", neg)]:
    expected, got = model(x), compiled(x)
    matches_eager.append(torch.equal(got, expected))
    print(name, "eager:", expected, "compiled:", got)

report = torch._dynamo.explain(model)(pos)
print("graphs:", report.graph_count, "graph breaks:", report.graph_break_count)
print("break reason:", report.break_reasons[0].reason)
