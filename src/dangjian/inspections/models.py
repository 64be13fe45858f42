"""督导检查 (inspections): see docs/models/inspections/."""
