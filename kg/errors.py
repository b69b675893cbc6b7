"""Errors a user can cause and fix: the CLI prints them as one line, never a traceback."""


class KgError(Exception):
    """A problem with the user's input or environment, explained in one line."""


class InputError(KgError):
    """An input path is missing, empty, or not text."""
