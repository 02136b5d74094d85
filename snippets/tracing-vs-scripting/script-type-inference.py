# memo: raises RuntimeError
# memo: check tracing-script-needs-checking: isinstance(raised, RuntimeError) and "inferred" in str(raised)
import torch


def scale(x, n):  # no annotations: TorchScript assumes every argument is a Tensor
    return x * n


print("eager:", scale(torch.ones(2), 3))
scripted = torch.jit.script(scale)
print(scripted.code)
scripted(torch.ones(2), 3)  # n=3 is an int, not a Tensor
