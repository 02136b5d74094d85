# Operations that change the order of the elements, unlike view and reshape. Most are views of x (no copy);
# flip and roll copy.
# memo: fact reordering-all-reorder: all(y.tolist() != x.view(y.shape).tolist() for _, y in results)
# memo: fact reordering-flip-roll-copy: [n for n, y in results if y._base is not x] == ["x.flip(1)", "x.roll(1, dims=1)"]
import torch

x = torch.tensor([[1, 2, 3], [10, 20, 30]])
results = [
    ("x.t()", x.t()),
    ("x.transpose(0, 1)", x.transpose(0, 1)),
    ("x.permute(1, 0)", x.permute(1, 0)),
    ("x.movedim(0, 1)", x.movedim(0, 1)),
    ("x.swapaxes(0, 1)", x.swapaxes(0, 1)),
    ("x.mT", x.mT),
    ("x.flip(1)", x.flip(1)),
    ("x.roll(1, dims=1)", x.roll(1, dims=1)),
]
print(f"{'x.view(3, 2)':18} {str(x.view(3, 2).tolist()):28} a view of x: {x.view(3, 2)._base is x}")
for name, y in results:
    print(f"{name:18} {str(y.tolist()):28} a view of x: {y._base is x}")
