import torch

a = torch.ones(2, 3)
b = torch.ones(3, 4)
v = torch.ones(3)

matrix_matrix = torch.matmul(a, b)
matrix_vector = torch.matmul(a, v)
print("matmul((2, 3), (3, 4)) shape:", matrix_matrix.shape)
print("matmul((2, 3), (3,)) shape:  ", matrix_vector.shape)
print("a @ v equals matmul(a, v):   ", torch.equal(a @ v, matrix_vector))

# memo: check matmul-matmul-matrix-vector: matrix_matrix.shape == (2, 4) and matrix_vector.shape == (2,)
