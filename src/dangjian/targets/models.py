"""目标责任 (targets): see docs/models/targets/."""
