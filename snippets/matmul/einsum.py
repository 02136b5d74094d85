# One einsum equation per product of this page: the letters name the dimensions, and a letter missing from the
# output is summed over.
# memo: fact einsum-matches: all(same for _, _, same in rows)
import torch

u, v = torch.randn(3), torch.randn(3)
a, b = torch.randn(2, 3), torch.randn(3, 4)
x, y = torch.randn(5, 2, 3), torch.randn(5, 3, 4)
rows = [
    ("i,i->", "torch.dot(u, v)", torch.allclose(torch.einsum("i,i->", u, v), torch.dot(u, v))),
    ("ij,j->i", "torch.mv(a, u)", torch.allclose(torch.einsum("ij,j->i", a, u), torch.mv(a, u))),
    ("ij,jk->ik", "torch.mm(a, b)", torch.allclose(torch.einsum("ij,jk->ik", a, b), torch.mm(a, b))),
    ("bij,bjk->bik", "torch.bmm(x, y)", torch.allclose(torch.einsum("bij,bjk->bik", x, y), torch.bmm(x, y))),
    ("...ij,jk->...ik", "torch.matmul(x, b)", torch.allclose(torch.einsum("...ij,jk->...ik", x, b), x @ b)),
    ("i,j->ij", "torch.outer(u, v)", torch.allclose(torch.einsum("i,j->ij", u, v), torch.outer(u, v))),
]
print(f"{'einsum equation':20} {'compared with':20} allclose")
for equation, same_as, same in rows:
    print(f"{equation!r:20} {same_as:20} {same}")
