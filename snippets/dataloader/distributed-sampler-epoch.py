# DistributedSampler shuffles with a seed it combines with the epoch number, which only set_epoch changes.
# num_replicas and rank are given explicitly: no process group is needed to see the order it draws.
from torch.utils.data import DistributedSampler

dataset = list(range(8))
rank0 = DistributedSampler(dataset, num_replicas=2, rank=0, shuffle=True, seed=0)
rank1 = DistributedSampler(dataset, num_replicas=2, rank=1, shuffle=True, seed=0)

print("without set_epoch: ", [list(rank0) for epoch in range(3)])
with_set_epoch = []
for epoch in range(3):
    rank0.set_epoch(epoch)
    with_set_epoch.append(list(rank0))
print("with set_epoch:    ", with_set_epoch)

rank1.set_epoch(2)
print("epoch 2, rank 0:", list(rank0), "rank 1:", list(rank1))
print("ranks share no sample:", not set(rank0) & set(rank1))
