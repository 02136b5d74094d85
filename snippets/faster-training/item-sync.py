# .item() copies a number to Python: on a GPU it waits for every queued kernel first. Keeping the running
# total a tensor and calling .item() once gives the same number.
import torch

model = torch.nn.Linear(4, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
batches = [(torch.randn(8, 4), torch.randn(8, 1)) for _ in range(20)]

each_step = 0.0  # .item() every step: one wait per step on a GPU
on_device = torch.zeros((), dtype=torch.float64)  # on the model's device: no wait until the end
for x, y in batches:
    loss = torch.nn.functional.mse_loss(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    each_step += loss.item()
    on_device += loss.detach()

print(f"summed with .item() every step: {each_step:.6f}")
print(f"summed as a tensor, one .item(): {on_device.item():.6f}")
print("equal:", each_step == on_device.item())
