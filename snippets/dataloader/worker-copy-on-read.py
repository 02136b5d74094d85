# memo: nondeterministic
# memo: fact python-objects-copied: grown["list of str"] > 0.5 * size_mib["list of str"]
# memo: fact numpy-array-not-copied: grown["NumPy array"] < 0.1 * size_mib["list of str"]
# A worker's private memory (its USS) before and after it has read every file name of the dataset once.
import sys

import numpy as np
from torch.utils.data import DataLoader, Dataset

CHUNKS, PER_CHUNK = 10, 50_000


def private_mib():  # memory this process does not share with any other (Linux: /proc/self/smaps_rollup)
    with open("/proc/self/smaps_rollup") as f:
        fields = dict(line.split(":", 1) for line in f if line.startswith("Private_"))
    return sum(int(value.split()[0]) for value in fields.values()) / 1024


class FileNames(Dataset):
    def __init__(self, names):
        self.names = names

    def __len__(self):
        return CHUNKS

    def __getitem__(self, chunk):  # one item: a chunk of names, read as a real dataset reads its file names
        before = private_mib()
        lengths = sum(len(name) for name in self.names[chunk * PER_CHUNK:(chunk + 1) * PER_CHUNK])
        return before, private_mib(), lengths


if __name__ == "__main__":  # needed wherever workers start by spawn or forkserver
    names = [f"images/{i:07d}.jpg" for i in range(CHUNKS * PER_CHUNK)]
    datasets = {"list of str": names, "NumPy array": np.array(names)}
    size_mib = {"list of str": sum(sys.getsizeof(n) for n in names) / 2**20,  # the str objects
                "NumPy array": datasets["NumPy array"].nbytes / 2**20}
    grown = {}
    for kind, data in datasets.items():
        reports = list(DataLoader(FileNames(data), batch_size=None, num_workers=1))
        grown[kind] = reports[-1][1] - reports[0][0]
        print(f"{kind:11}: {len(data)} names in {size_mib[kind]:4.1f} MiB;"
              f" the worker's private memory grew by {grown[kind]:5.1f} MiB while reading them")
