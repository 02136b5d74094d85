# memo: requires torch>=2.8
# memo: raises GuardOnDataDependentSymNode
# memo: fact export-partial-graph: hasattr(raised, "partial_fx_graph")
import logging

import torch

# keep one timestamped hint line out of the output ("Unable to find user code ...")
torch._logging.set_logs(dynamic=logging.ERROR)


class SignGate(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:  # the same data-dependent branch
            return x * 2
        return -x


torch.export.export(SignGate(), (torch.tensor([1.0, 2.0]),))
