# An in-place change through a view changes its base, and the two share one version counter. autograd
# checks that counter for every tensor it saved for backward.
# memo: raises RuntimeError
# memo: fact inplace-view-bumps-base-version: base_version_after == base_version_before + 1
# memo: fact inplace-error-hints-anomaly: "set_detect_anomaly" in str(raised)
import torch

w = torch.ones(3, requires_grad=True)
y = w.sigmoid()  # sigmoid saves its output y to compute its gradient
v = y.view(3, 1)
base_version_before = y._version
v.mul_(2)  # changes y through the view
base_version_after = y._version
print("y._version before and after v.mul_(2):", base_version_before, base_version_after, "| v._version:", v._version)
y.sum().backward()
