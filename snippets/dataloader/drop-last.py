from torch.utils.data import DataLoader

dataset = list(range(10))  # any object with __len__ and __getitem__ is a map-style dataset

for drop_last in (False, True):
    loader = DataLoader(dataset, batch_size=4, drop_last=drop_last)
    print(f"drop_last={drop_last}: {len(loader)} batches:", [batch.tolist() for batch in loader])
