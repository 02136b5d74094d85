# memo: fact accumulation-matches-full-batch: same
# One optimizer step over a batch of 32, computed as 4 micro-batches of 8 (as when 32 do not fit in memory).
import torch

ACCUMULATE = 4  # micro-batches per optimizer step
model = torch.nn.Linear(16, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = torch.nn.MSELoss()  # the mean over the samples it is given
x, y = torch.randn(32, 16), torch.randn(32, 1)

loss_fn(model(x), y).backward()  # the whole batch in one backward(), for comparison
full_batch = model.weight.grad.clone()
optimizer.zero_grad()

for step, (xb, yb) in enumerate(zip(x.chunk(ACCUMULATE), y.chunk(ACCUMULATE)), start=1):
    (loss_fn(model(xb), yb) / ACCUMULATE).backward()  # adds into .grad; / ACCUMULATE: the mean over all 32
    if step % ACCUMULATE == 0:
        accumulated = model.weight.grad.clone()
        optimizer.step()
        optimizer.zero_grad()  # once per optimizer step, not after every backward()

same = torch.allclose(accumulated, full_batch, atol=1e-6)  # float32 sums in another order: rounding differs
print("4 micro-batches accumulated give the gradient of the whole batch:", same)
