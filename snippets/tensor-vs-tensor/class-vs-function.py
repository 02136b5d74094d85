import torch

# torch.Tensor is the tensor class itself; torch.tensor is a factory function.
print("torch.Tensor is a class:   ", isinstance(torch.Tensor, type))
print("torch.tensor is a class:   ", isinstance(torch.tensor, type))
print("type of torch.tensor:      ", type(torch.tensor).__name__)

t = torch.tensor([1.0, 2.0])
print("torch.tensor(...) returns a torch.Tensor:", isinstance(t, torch.Tensor))

# memo: check tensor-class-is-class: isinstance(torch.Tensor, type)
# memo: check tensor-function-is-function: callable(torch.tensor) and not isinstance(torch.tensor, type)
