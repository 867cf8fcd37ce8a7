"""Video processing tasks."""
