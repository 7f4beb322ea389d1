# Copyright (c) tdmi_mmpose contributors.
"""Tables as text, and NaN in JSON: the one formatter of the package and
its tools."""
import math
import numbers
from typing import Optional, Sequence

#: The table styles of :func:`format_table`.
TABLE_STYLES = ('text', 'markdown', 'latex')


def json_number(value: object) -> Optional[float]:
    """A real number (or ``None``) as strict JSON can hold it: ``float``,
    or ``None`` for NaN and ``None``."""
    if value is None or math.isnan(value):
        return None
    return float(value)


def format_cell(value: object, spec: str = '.2f', missing: str = 'nan') -> str:
    """One table cell: a string as it is, ``missing`` for ``None`` and NaN,
    a number formatted by ``spec``."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, numbers.Real)
                         and math.isnan(value)):
        return missing
    return format(value, spec)


def format_table(
    rows: Sequence[Sequence[object]],
    headers: Sequence[Sequence[str]] = (),
    style: str = 'text',
    spec: str = '.2f',
    missing: str = 'nan',
    align: Optional[str] = None,
    widths: Sequence[int] = ()) -> str:
    """Format a table.

    Args:
        rows (Sequence[Sequence[object]]): The value rows (see
            :func:`format_cell`).
        headers (Sequence[Sequence[str]]): Header rows, one name per column.
            Defaults to none.
        style (str): ``'text'`` (padded columns), ``'markdown'`` or
            ``'latex'`` (poseval's ``eval_helpers.printTable``: names padded
            to 5, cells right-aligned to 5). Defaults to ``'text'``.
        spec (str): Format spec of the numbers. Defaults to ``'.2f'``.
        missing (str): The cell of ``None`` and NaN. Defaults to ``'nan'``.
        align (str, optional): ``'l'`` or ``'r'`` per column (text and
            markdown). Defaults to the first column left, the others right.
        widths (Sequence[int]): Minimum column widths (text). Defaults to
            none.

    Returns:
        str: The lines of the table, joined by newlines.
    """
    assert style in TABLE_STYLES, style
    cells = [[format_cell(v, spec, missing) for v in row] for row in rows]
    if style == 'latex':
        lines = [
            '&' + '&'.join(f' {name:<5}' for name in row) + '\\\\'
            for row in headers
        ]
        return '\n'.join(lines + [
            '&' + ' &'.join(f'{cell:>5}' for cell in row) + ' \\\\'
            for row in cells
        ])
    table = [list(row) for row in headers] + cells
    num_columns = max(len(row) for row in table)
    align = align or 'l' + 'r' * (num_columns - 1)
    if style == 'markdown':
        rule = ['---' if a == 'l' else '---:' for a in align]
        lines = ['| ' + ' | '.join(row) + ' |' for row in table]
        lines.insert(len(headers), '|' + '|'.join(rule) + '|')
        return '\n'.join(lines)
    width = [
        max([len(row[c])
             for row in table if c < len(row)] + list(widths[c:c + 1]))
        for c in range(num_columns)
    ]
    return '\n'.join(' '.join(
        cell.ljust(width[c]) if align[c] == 'l' else cell.rjust(width[c])
        for c, cell in enumerate(row)).rstrip() for row in table)
