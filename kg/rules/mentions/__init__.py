"""Rules that find mentions: spans of text that name a thing of one class."""
