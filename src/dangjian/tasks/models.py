"""交办督办 (tasks): see docs/models/tasks/."""
