# memo: nondeterministic
# A dataset whose samples take 10 ms each to load (a stand-in for reading and decoding files); two epochs.
import time

import torch
from torch.utils.data import DataLoader, Dataset


class SlowDataset(Dataset):
    def __len__(self):
        return 24

    def __getitem__(self, index):
        time.sleep(0.01)  # waiting on I/O, as reading a file would
        return torch.tensor([index])


if __name__ == "__main__":  # needed wherever workers start by spawn or forkserver
    for num_workers in (0, 2):
        loader = DataLoader(SlowDataset(), batch_size=4, num_workers=num_workers,
                            persistent_workers=num_workers > 0)
        for epoch in (1, 2):
            start = time.perf_counter()
            batches = list(loader)
            ms = (time.perf_counter() - start) * 1e3
            print(f"num_workers={num_workers} epoch {epoch}: {len(batches)} batches in {ms:4.0f} ms")
