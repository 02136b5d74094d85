import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

sentences = [torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6]), torch.tensor([7, 8])]


def pad_batch(samples):  # receives the list of samples of one batch
    lengths = torch.tensor([len(s) for s in samples])
    padded = pad_sequence(samples, batch_first=True, padding_value=0)
    return padded, lengths


loader = DataLoader(sentences, batch_size=2, collate_fn=pad_batch)
for padded, lengths in loader:
    print("padded:", padded.tolist(), "lengths:", lengths.tolist())
