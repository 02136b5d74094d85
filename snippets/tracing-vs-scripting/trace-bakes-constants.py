# memo: check tracing-statically-fixed: not torch.equal(traced(five), model(five))
# memo: fact trace-check-inputs-catches: caught
# memo: fact trace-device-constant: 'device=torch.device("cpu")' in traced.code
# Python values the tracer cannot follow become constants of the graph: a loop's trip count, a device.
import torch


class RowSum(torch.nn.Module):
    def forward(self, x):  # x: (rows, columns)
        total = torch.zeros(x.shape[1], device=x.device)  # on the input's device
        for i in range(x.shape[0]):  # a Python loop over the rows
            total = total + x[i]
        return total


model = RowSum()
two, five = torch.ones(2, 3), torch.ones(5, 3)
traced = torch.jit.trace(model, two)
print(traced.code)
print("5 rows, eager:", model(five), "traced:", traced(five))
print("device=x.device became a constant:", 'device=torch.device("cpu")' in traced.code)

try:  # check_inputs: trace again on other inputs and compare the graphs and the outputs
    torch.jit.trace(model, two, check_inputs=[(five,)])
    caught = False
except torch.jit.TracingCheckError as e:
    caught = True
    print("check_inputs=[(five,)]:", type(e).__name__, "-", " ".join(str(e).split("\n")[:2]))
