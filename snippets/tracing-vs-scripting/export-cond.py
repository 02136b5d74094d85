# memo: requires torch>=2.2
# memo: fact cond-in-graph: "torch.ops.higher_order.cond" in program.graph_module.code
# memo: fact cond-right-answers: torch.equal(exported(pos), pos * 2) and torch.equal(exported(neg), -neg)
import torch


class SignGateCond(torch.nn.Module):
    def forward(self, x):
        # torch.cond puts both branches into the graph; the predicate is decided at run time
        return torch.cond(x.sum() > 0, lambda x: x * 2, lambda x: -x, (x,))


pos = torch.tensor([1.0, 2.0])
neg = torch.tensor([-1.0, -2.0])

program = torch.export.export(SignGateCond(), (pos,))
print(program.graph_module.code.strip())
exported = program.module()
print("exported (pos):", exported(pos))
print("exported (neg):", exported(neg))
