# Copyright (c) tdmi_mmpose contributors.
"""The report of a conversion: what was converted, skipped and why."""
from collections import OrderedDict
from typing import Dict, List


class ConversionReport:
    """Counts of what was converted, and of what was skipped and why."""

    def __init__(self):
        self.counts: Dict[str, int] = OrderedDict(
            files=0, videos=0, frames=0, labeled_frames=0,
            unlabeled_frames=0, people=0, keypoints=0)
        self.skipped: Dict[str, List] = OrderedDict()  # reason -> [n, ex]
        self.notes: Dict[str, List] = OrderedDict()

    def skip(self, reason: str, where: str, n: int = 1) -> None:
        """Record ``n`` things skipped for ``reason`` (first example kept)."""
        self.skipped.setdefault(reason, [0, where])[0] += n

    def note(self, what: str, where: str, n: int = 1) -> None:
        """Record something kept but worth knowing (first example kept)."""
        self.notes.setdefault(what, [0, where])[0] += n

    def count_video(self, images: List[dict], num_people: int) -> None:
        """Count a converted video's frames and people."""
        labeled = sum(bool(image['is_labeled']) for image in images)
        self.counts['videos'] += 1
        self.counts['frames'] += len(images)
        self.counts['labeled_frames'] += labeled
        self.counts['unlabeled_frames'] += len(images) - labeled
        self.counts['people'] += num_people

    def as_dict(self) -> Dict:
        """The counts, skip reasons and notes as a plain dict."""
        return {
            'counts': dict(self.counts),
            'skipped': {k: v[0] for k, v in self.skipped.items()},
            'notes': {k: v[0] for k, v in self.notes.items()},
        }

    def format(self) -> str:
        """A human-readable summary."""
        lines = ['Converted: ' + ', '.join(
            f'{k.replace("_", " ")} {v}' for k, v in self.counts.items())]
        if self.skipped:
            lines.append('Skipped:')
            for reason, (n, where) in self.skipped.items():
                lines.append(f'  {n} x {reason} (e.g. {where})')
        else:
            lines.append('Skipped: nothing')
        for what, (n, where) in self.notes.items():
            lines.append(f'Note: {n} x {what} (e.g. {where})')
        return '\n'.join(lines)
