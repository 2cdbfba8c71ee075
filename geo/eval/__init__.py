"""Evaluation: geoparsing against annotated corpora (geoparse), actors and claims against a gold file (claims)."""
