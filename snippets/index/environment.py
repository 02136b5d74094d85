# What built the outputs of this site: every example ran with exactly these versions.
# memo: fact examples-ran-on-cpu: not torch.cuda.is_available()
import platform

import numpy
import torch

print("torch  ", torch.__version__)
print("python ", platform.python_version())
print("numpy  ", numpy.__version__)
print("threads", torch.get_num_threads(), "(each example runs with one torch thread unless it says otherwise)")
print("CUDA   ", f"torch built for CUDA {torch.version.cuda}," if torch.version.cuda else "a CPU-only build of torch,",
      "GPU available:", torch.cuda.is_available())
