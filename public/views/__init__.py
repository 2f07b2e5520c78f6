"""The public pages: a villager's lookup of their household, and the village board."""
