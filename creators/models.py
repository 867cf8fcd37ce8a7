"""Creators, videos, the feed and commissions (built by the feed and commission issues)."""
