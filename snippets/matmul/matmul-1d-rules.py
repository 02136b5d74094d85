# matmul on 1-D operands: a vector on the left gets a 1 prepended to its shape, a vector on the right a 1
# appended; the product is taken, and that added dimension is removed again.
# memo: fact matmul-1d-shapes: shapes == [(), (2,), (2,), (4, 2), (4, 2)]
import torch

v = torch.tensor([1.0, 2.0, 3.0])
cases = [
    ("(3,) @ (3,)", v, v),  # a dot product, 0-d
    ("(2, 3) @ (3,)", torch.ones(2, 3), v),  # matrix x vector, as torch.mv
    ("(3,) @ (3, 2)", v, torch.ones(3, 2)),  # vector x matrix: (1, 3) @ (3, 2), then the 1 is removed
    ("(4, 2, 3) @ (3,)", torch.ones(4, 2, 3), v),  # a batch of matrices x one vector
    ("(3,) @ (4, 3, 2)", v, torch.ones(4, 3, 2)),  # one vector x a batch of matrices
]
shapes = []
for label, a, b in cases:
    shapes.append(tuple((a @ b).shape))
    print(f"{label:18} -> shape {shapes[-1]}")

m = torch.ones(3, 2)
print("(3,) @ (3,) equals torch.dot:", torch.equal(v @ v, torch.dot(v, v)))
print("(3,) @ (3, 2) equals ((1, 3) @ (3, 2)).squeeze(0):", torch.equal(v @ m, (v.unsqueeze(0) @ m).squeeze(0)))
