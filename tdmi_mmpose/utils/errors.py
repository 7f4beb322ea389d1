# Copyright (c) tdmi_mmpose contributors.
"""The one error type of bad input."""
from typing import Optional


class InputError(ValueError):
    """Bad input from a file or a user: a PoseTrack, detection, prediction,
    label or checkpoint file, a video or frame, person boxes, a config value
    or a command-line option.

    Raised only where input enters the package (:mod:`tdmi_mmpose.io`,
    the converters' readers, the tools' argument checks). The message names
    the file, record, field or option and the offending value; the tools
    print it as one line (:func:`tdmi_mmpose.utils.run_tool`).

    Args:
        message (str): What is wrong, and where.
        hint (str, optional): What to do about it, printed by the tools
            after the message. Defaults to a generic hint.
    """

    def __init__(self, message: str, hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.hint = hint
