# memo: nondeterministic
# memo: timeout 300
# memo: fact none-peak-lower-by-gradients: abs(grown[False] - grown[True] - GRADIENT_MIB) < GRADIENT_MIB / 4
# Peak resident memory of two training steps, one process for each setting. MALLOC_MMAP_THRESHOLD_ makes
# glibc give every large tensor's memory back when it is freed, so that resident memory follows the tensors
# alive (with glibc's default, adaptive threshold, freed memory may stay resident and blur the peak).
import os
import subprocess
import sys

STEPS = r"""
import resource, sys
import torch

torch.set_num_threads(1)
set_to_none = sys.argv[1] == "True"
model = torch.nn.Sequential(*[torch.nn.Linear(512, 512) for _ in range(16)])
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
x = torch.randn(512, 512)  # a batch of 512: the activations saved for backward weigh as much as the gradients
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB: the peak so far, parameters included
for _ in range(2):  # the first step makes the gradients, the second starts with them
    optimizer.zero_grad(set_to_none=set_to_none)
    model(x).sum().backward()
    optimizer.step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""
GRADIENT_MIB = 16 * 512 * 512 * 4 / 2**20  # the sixteen weight gradients

env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
env["MALLOC_MMAP_THRESHOLD_"] = str(128 * 1024)
grown = {}
for set_to_none in (False, True):
    run = subprocess.run([sys.executable, "-c", STEPS, str(set_to_none)], env=env, capture_output=True, text=True,
                         check=True)
    grown[set_to_none] = float(run.stdout)
    print(f"set_to_none={set_to_none!s:5}  peak resident memory grew by {grown[set_to_none]:5.1f} MiB over 2 steps")
print(f"difference: {grown[False] - grown[True]:.1f} MiB; the weight gradients take {GRADIENT_MIB:.0f} MiB")
