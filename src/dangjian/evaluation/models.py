"""考核评价 (evaluation): see docs/models/evaluation/."""
