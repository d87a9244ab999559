"""The catalog's domain core: the only place that speaks SQL."""
