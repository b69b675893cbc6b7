"""Rules that find facts: relations between the mentions of a sentence, and attributes."""
