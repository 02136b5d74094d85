# The worker reports its process id with every sample; three epochs over the same loader.
import os

from torch.utils.data import DataLoader, Dataset


class WhoLoads(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, index):
        return os.getpid()  # the process that loaded this sample


if __name__ == "__main__":  # needed wherever workers start by spawn or forkserver
    for persistent in (False, True):
        loader = DataLoader(WhoLoads(), batch_size=2, num_workers=1, persistent_workers=persistent)
        pids = {int(pid) for epoch in range(3) for batch in loader for pid in batch}
        print(f"persistent_workers={persistent!s:5}: 3 epochs loaded by {len(pids)} worker process(es)")
