from torch.utils.data import DataLoader, IterableDataset, get_worker_info


class Stream(IterableDataset):  # iterable-style: only __iter__, no indexing
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


class ShardedStream(Stream):
    def __iter__(self):
        info = get_worker_info()  # None in the main process
        if info is None:
            return iter(range(self.n))
        # worker i takes items i, i + num_workers, i + 2 * num_workers, ...
        return iter(range(info.id, self.n, info.num_workers))


if __name__ == "__main__":  # needed wherever workers start by spawn or forkserver
    for dataset in (Stream(6), ShardedStream(6)):
        batches = [batch.tolist() for batch in DataLoader(dataset, batch_size=3, num_workers=2)]
        items = [item for batch in batches for item in batch]
        name = type(dataset).__name__
        print(f"{name:13s} batches: {batches}")
        print(f"{name:13s} {len(items)} items, duplicates: {len(items) != len(set(items))}")
