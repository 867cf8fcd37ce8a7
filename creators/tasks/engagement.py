"""Engagement folding and feed pool tasks."""
