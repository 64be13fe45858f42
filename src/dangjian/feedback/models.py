"""观察员和意见建议 (feedback): see docs/models/feedback/."""
