"""The one exception type for bad input, shared by the engine, the data sets and the app."""


class BackpropError(ValueError):
    """Bad input: a clear, one-line message meant for a person, never a traceback."""
