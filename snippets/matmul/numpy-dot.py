# np.dot is not torch.dot: on 2-D arrays it multiplies matrices, and on N-D arrays it is neither matmul nor bmm.
# memo: fact np-dot-multiplies-matrices: np.array_equal(np.dot(a, b), a @ b)
# memo: fact np-dot-nd-not-matmul: np.dot(x, y).shape == (5, 2, 5, 4) and np.matmul(x, y).shape == (5, 2, 4)
import numpy as np
import torch

a = np.arange(6.0).reshape(2, 3)
b = np.arange(12.0).reshape(3, 4)
ta, tb = torch.from_numpy(a), torch.from_numpy(b)
print("np.dot(2-D, 2-D) shape:                 ", np.dot(a, b).shape)
print("np.dot(a, b) equals a @ b:              ", np.array_equal(np.dot(a, b), a @ b))
print("torch.mm gives the same:                ", np.array_equal(torch.mm(ta, tb).numpy(), np.dot(a, b)))

x = np.ones((5, 2, 3))
y = np.ones((5, 3, 4))
tx, ty = torch.from_numpy(x), torch.from_numpy(y)
print("np.dot(3-D, 3-D) shape:                 ", np.dot(x, y).shape)  # every matrix of x with every one of y
print("np.matmul(3-D, 3-D) shape:              ", np.matmul(x, y).shape)  # batch by batch
print("torch.matmul(3-D, 3-D) shape:           ", tuple(torch.matmul(tx, ty).shape))
print("torch.tensordot(dims=([2], [1])) shape: ", tuple(torch.tensordot(tx, ty, dims=([2], [1])).shape))
