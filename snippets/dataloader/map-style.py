import torch
from torch.utils.data import DataLoader, Dataset


class Squares(Dataset):  # map-style: __len__ + __getitem__(index)
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return torch.tensor([float(index)]), index**2  # (feature, label)


dataset = Squares(10)
print("len:", len(dataset), "dataset[3]:", dataset[3])

loader = DataLoader(dataset, batch_size=4)  # default collate stacks the samples
for features, labels in loader:
    print("features", tuple(features.shape), "labels", labels)
