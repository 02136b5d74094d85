# memo: raises RuntimeError
import torch
from torch.utils.data import DataLoader

# sequences of different lengths: the default collate_fn cannot stack them
sentences = [torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6])]
loader = DataLoader(sentences, batch_size=3)
next(iter(loader))
