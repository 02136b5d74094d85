# What built the outputs of this site: every example ran with exactly these versions.
import platform

import numpy
import torch

print("torch  ", torch.__version__)
print("python ", platform.python_version())
print("numpy  ", numpy.__version__)
print("threads", torch.get_num_threads(), "(each example runs with one torch thread unless it says otherwise)")
