"""Creators' HTML views: public profiles (profiles.py) and the creator studio (studio.py).
The feed's views live in creators.feed."""
