# With weight= and reduction="mean", cross-entropy divides by the sum of the targets' weights, not by N.
# memo: fact weighted-mean-divides-by-weights: torch.allclose(loss, by_weights) and not torch.allclose(loss, by_n)
# memo: fact one-class-batch-unweighted: torch.allclose(one_class_weighted, one_class_unweighted)
import torch
from torch.nn import functional as F

weight = torch.tensor([1.0, 2.0, 3.0])
logits = torch.randn(4, 3)
target = torch.tensor([0, 1, 2, 2])

loss = F.cross_entropy(logits, target, weight=weight)
per_sample = F.cross_entropy(logits, target, weight=weight, reduction="none")  # weight[target] * -log p
by_weights = per_sample.sum() / weight[target].sum()
by_n = per_sample.sum() / len(target)

# A batch of one class: the weight cancels out.
only_class_2 = torch.tensor([2, 2, 2, 2])
one_class_weighted = F.cross_entropy(logits, only_class_2, weight=weight)
one_class_unweighted = F.cross_entropy(logits, only_class_2)

for label, value in [("reduction='mean'", loss),
                     (f"sum / sum of the targets' weights ({weight[target].sum():.0f})", by_weights),
                     (f"sum / N ({len(target)})", by_n),
                     ("targets all of class 2, weighted", one_class_weighted),
                     ("targets all of class 2, unweighted", one_class_unweighted)]:
    print(f"{label:40} {value:.4f}")
