# memo: nondeterministic
import random

import numpy as np
import torch
from torch.utils.data import DataLoader, get_worker_info


def report_worker(worker_id):  # runs once in each worker process, before it loads anything
    info = get_worker_info()
    print(f"worker {worker_id}/{info.num_workers} started, seed {info.seed}", flush=True)


class Noisy(torch.utils.data.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, index):  # random augmentation stand-ins: Python's `random` and NumPy in the worker
        worker = get_worker_info().id
        return f"sample {index}, worker {worker}, random {random.random():.3f}, numpy {np.random.rand():.3f}"


def load(seed):
    generator = torch.Generator().manual_seed(seed)  # draws base_seed; worker i gets base_seed + i
    loader = DataLoader(
        Noisy(), batch_size=2, num_workers=2, worker_init_fn=report_worker, generator=generator
    )
    return [batch for batch in loader]


if __name__ == "__main__":  # needed wherever workers start by spawn or forkserver: see the page
    first = load(seed=0)
    print(*first, sep="\n")
    print("same generator seed, same noise:", load(seed=0) == first)
