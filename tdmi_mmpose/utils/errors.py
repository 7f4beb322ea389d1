# Copyright (c) tdmi_mmpose contributors.
"""The one error type of bad input."""
from typing import Optional


class InputError(ValueError):
    """Bad input from a file or a user, raised where input enters the
    package; the message names the file, record, field or option and the
    value (the tools print it as one line, :func:`~.cli.run_tool`).

    Args:
        message (str): What is wrong, and where.
        hint (str, optional): What to do about it, printed by the tools
            after the message. Defaults to a generic hint.
    """

    def __init__(self, message: str, hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.hint = hint
