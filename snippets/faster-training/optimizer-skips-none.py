# memo: check faster-training-grad-none-resets: torch.equal(final[True], final[False])
# A parameter that gets no gradient in a step (here: a head used only in the first step).
import torch


def train(set_to_none):
    torch.manual_seed(0)
    used, unused_later = torch.nn.Linear(4, 1), torch.nn.Linear(4, 1)
    params = [*used.parameters(), *unused_later.parameters()]
    optimizer = torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.1)
    x = torch.randn(8, 4)
    for step in range(5):
        optimizer.zero_grad(set_to_none=set_to_none)
        loss = used(x).sum() + (unused_later(x).sum() if step == 0 else 0)
        loss.backward()
        optimizer.step()
        if step == 0:
            after_first_step = unused_later.weight.detach().clone()
    moved = not torch.equal(unused_later.weight, after_first_step)
    print(f"set_to_none={set_to_none!s:5} the head's .grad after the last step: {unused_later.weight.grad}",
          f"| its weights moved after the first step: {moved}")
    return unused_later.weight.detach()


final = {set_to_none: train(set_to_none) for set_to_none in (True, False)}
print("weights of that head, set_to_none=True: ", final[True])
print("weights of that head, set_to_none=False:", final[False])
print("same weights:", torch.equal(final[True], final[False]))
