"""测评和民主评议 (surveys): see docs/models/surveys/."""
