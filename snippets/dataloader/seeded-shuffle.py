import torch
from torch.utils.data import DataLoader

dataset = list(range(8))


def epochs(seed, count=2):
    generator = torch.Generator().manual_seed(seed)  # the loader's own RNG for shuffling
    loader = DataLoader(dataset, batch_size=8, shuffle=True, generator=generator)
    return [next(iter(loader)).tolist() for _ in range(count)]


first, second = epochs(seed=42)
print("seed 42, epoch 1:", first)
print("seed 42, epoch 2:", second)
print("new order every epoch:", first != second)
print("same seed, same orders:", epochs(seed=42) == [first, second])
print("seed 7,  epoch 1:", epochs(seed=7)[0])
