"""The one exception the package raises for neohebb's own complaints."""


class NeohebbError(Exception):
    """neohebb refused or failed; the message is neohebb's (it names `file:line:col`)."""

    def __init__(self, message, returncode=None, command=None):
        super().__init__(message)
        self.returncode = returncode
        self.command = command
