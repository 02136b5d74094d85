# Whether torch.compile runs on this release under the Python that builds this site.
# memo: fact compile-support: support
import sys

import torch

print("Python", sys.version.split()[0])
if not hasattr(torch, "compile"):
    support = "missing"
    print("torch.compile: not in this release")
else:
    try:
        doubled = torch.compile(lambda x: x * 2, backend="eager")(torch.ones(2))
        support = "runs"
        print("torch.compile(backend='eager') ran:", doubled)
    except RuntimeError as e:  # torch 2.0 refuses Python 3.11
        support = "refused"
        print("torch.compile: RuntimeError:", e)
