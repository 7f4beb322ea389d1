"""Outputs that appear under their final name only when complete."""
import os

import pytest

from tdmi_mmpose.utils.atomic import atomic_folder


def test_atomic_folder_replaces_only_on_success(tmp_path):
    final = tmp_path / 'frames'
    with atomic_folder(str(final)) as tmp:
        assert not final.exists()
        (tmp_path / 'x').write_text('')
        with open(os.path.join(tmp, '000000.jpg'), 'w') as f:
            f.write('first')
    assert sorted(os.listdir(final)) == ['000000.jpg']
    umask = os.umask(0)
    os.umask(umask)
    assert final.stat().st_mode & 0o777 == 0o777 & ~umask  # not mkdtemp's

    with pytest.raises(RuntimeError):
        with atomic_folder(str(final)) as tmp:
            with open(os.path.join(tmp, '000000.jpg'), 'w') as f:
                f.write('second, incomplete')
            raise RuntimeError('killed')
    # the old folder is untouched and no temporary folder is left
    assert (final / '000000.jpg').read_text() == 'first'
    assert sorted(os.listdir(tmp_path)) == ['frames', 'x']

    with atomic_folder(str(final)) as tmp:
        with open(os.path.join(tmp, '000001.jpg'), 'w') as f:
            f.write('new')
    assert sorted(os.listdir(final)) == ['000001.jpg']
