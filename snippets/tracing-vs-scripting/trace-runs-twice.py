# How many times does torch.jit.trace call forward? Count the calls.
import torch


class Counting(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return x * 2


x = torch.ones(2)
for check_trace in (True, False):
    model = Counting()
    torch.jit.trace(model, x, check_trace=check_trace)
    times = "time" if model.calls == 1 else "times"
    print(f"check_trace={check_trace}: forward ran {model.calls} {times} while tracing")
