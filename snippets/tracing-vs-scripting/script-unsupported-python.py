# memo: raises UnsupportedNodeError
# memo: check tracing-script-needs-checking: isinstance(raised, torch.jit.frontend.NotSupportedError)
import torch


class SafeLog(torch.nn.Module):
    def forward(self, x):
        try:  # plain Python that TorchScript's compiler does not accept
            return torch.log(x)
        except RuntimeError:
            return torch.zeros_like(x)


print("eager:", SafeLog()(torch.tensor([1.0, 2.0])))
torch.jit.script(SafeLog())
