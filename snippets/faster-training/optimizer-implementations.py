# memo: requires torch>=2.4
# memo: nondeterministic
# 5 AdamW steps over 100 small parameters: a Python loop over the parameters (foreach=False), one
# multi-tensor kernel per operation (foreach=True), or one fused kernel (fused=True; on the CPU since 2.4).
import time

import torch

weights = {}
for options in ({"foreach": False}, {"foreach": True}, {"fused": True}):
    torch.manual_seed(0)
    params = [torch.nn.Parameter(torch.randn(1000)) for _ in range(100)]
    for p in params:
        p.grad = torch.randn_like(p)
    optimizer = torch.optim.AdamW(params, lr=1e-3, **options)
    optimizer.step()  # warm-up: creates the optimizer state
    start = time.perf_counter()
    for _ in range(5):
        optimizer.step()
    ms = (time.perf_counter() - start) / 5 * 1e3
    weights[str(options)] = torch.cat([p.detach() for p in params])
    print(f"{str(options):18}  {ms:6.2f} ms per step")

loop = weights["{'foreach': False}"]
for name, result in weights.items():
    print(f"{name:18}  same weights as the loop (allclose): {torch.allclose(result, loop)}")
