# memo: nondeterministic
# memo: timeout 300
# memo: fact glibc-refaults-gradients: faults["glibc defaults"][True] > 0.25 * GRADIENT_PAGES
# memo: fact glibc-keeps-gradients: faults["glibc defaults"][False] < faults["glibc defaults"][True]
# memo: fact tuned-no-refaults: max(faults["thresholds raised"].values()) < 0.1 * GRADIENT_PAGES
# memo: fact tuned-none-faster: ms["thresholds raised"][True] < ms["thresholds raised"][False]
# The width-1024 model of the measurement above, one process per allocator setting: a page fault is a page of
# memory the kernel maps (and fills with zeros) because the process asked for it anew.
import json
import os
import subprocess
import sys

STEPS = r"""
import json, resource, sys, time
import torch

torch.set_num_threads(1)
model = torch.nn.Sequential(*[torch.nn.Linear(1024, 1024) for _ in range(4)])
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
x = torch.randn(8, 1024)
result = {}
for set_to_none in (True, False):
    for _ in range(3):  # warm-up: the allocator reaches its steady state
        optimizer.zero_grad(set_to_none=set_to_none)
        model(x).sum().backward()
    faults, start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.perf_counter()
    for _ in range(10):
        optimizer.zero_grad(set_to_none=set_to_none)
        model(x).sum().backward()
    result[set_to_none] = ((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / 10,
                           (time.perf_counter() - start) / 10 * 1e3)
print(json.dumps(result))
"""
GRADIENT_PAGES = 4 * 1024 * 1024 * 4 // 4096  # the four 4 MiB weight gradients, in 4 KiB pages
SETTINGS = {
    "glibc defaults": {},
    "thresholds raised": {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20), "MALLOC_TRIM_THRESHOLD_": str(256 * 2**20)},
}

faults, ms = {}, {}
for name, variables in SETTINGS.items():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")} | variables
    run = subprocess.run([sys.executable, "-c", STEPS], env=env, capture_output=True, text=True, check=True)
    measured = {key == "true": value for key, value in json.loads(run.stdout).items()}  # JSON keys are strings
    faults[name] = {set_to_none: per_step for set_to_none, (per_step, _) in measured.items()}
    ms[name] = {set_to_none: step_ms for set_to_none, (_, step_ms) in measured.items()}
    print(f"{name}:", *(f"{k}={v}" for k, v in variables.items()))
    for set_to_none in (True, False):
        print(f"  set_to_none={set_to_none!s:5}  {faults[name][set_to_none]:5.0f} page faults per step"
              f" ({faults[name][set_to_none] / GRADIENT_PAGES:4.0%} of the gradients' pages)")
# The times on lines of their own, each named by its setting alone, so that a line is the same measurement on
# every release whatever the page-fault counts were.
print("time per step:")
for name in SETTINGS:
    for set_to_none in (True, False):
        print(f"  {name:17}  set_to_none={set_to_none!s:5}  {ms[name][set_to_none]:5.1f} ms")
