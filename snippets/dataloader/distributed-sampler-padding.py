# memo: fact sampler-pads-with-repeats: sum(map(len, ranks[False])) > len(dataset)
# memo: fact sampler-drop-last-drops: sum(map(len, ranks[True])) < len(dataset)
# 7 samples over 2 ranks, in order (shuffle=False): 7 is not a multiple of 2, yet every rank gets as many as
# the other.
from torch.utils.data import DistributedSampler

dataset = list(range(7))
ranks = {
    drop_last: [list(DistributedSampler(dataset, num_replicas=2, rank=r, shuffle=False, drop_last=drop_last))
                for r in (0, 1)]
    for drop_last in (False, True)
}
for drop_last, (rank0, rank1) in ranks.items():
    print(f"drop_last={drop_last!s:5}  rank 0: {rank0}  rank 1: {rank1}")
