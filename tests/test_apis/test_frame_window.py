import weakref

import cv2
import numpy as np
import pytest

from tdmi_mmpose.apis import (iter_clip_windows, list_frame_files,
                              open_frame_stream)
from video_files import write_video


def _frames(n, shape=(4, 6, 3)):
    return [np.full(shape, i, dtype=np.uint8) for i in range(n)]


def test_clip_indices_are_time_ordered_and_clamped_at_both_ends():
    windows = list(iter_clip_windows(_frames(4), [-2, -1, 0, 1, 2]))
    assert [w.frame_index for w in windows] == [0, 1, 2, 3]
    assert [w.frame_indices for w in windows] == [
        [0, 0, 0, 1, 2], [0, 0, 1, 2, 3], [0, 1, 2, 3, 3], [1, 2, 3, 3, 3]]
    for w in windows:
        assert w.key_frame_index == 2
        # the frames really are the stream's frames at those indices
        assert [int(f[0, 0, 0]) for f in w.frames] == w.frame_indices
        assert int(w.key_frame[0, 0, 0]) == w.frame_index
        assert w.has_temporal_context


def test_unsorted_asymmetric_offsets_give_time_order():
    (w0, w1, w2) = iter_clip_windows(_frames(3), [0, -1])
    assert (w0.frame_indices, w0.key_frame_index) == ([0, 0], 1)
    assert w2.frame_indices == [1, 2]


def test_single_frame_stream_has_no_temporal_context():
    (window, ) = iter_clip_windows(_frames(1), [-1, 0, 1])
    assert window.frame_indices == [0, 0, 0]
    assert not window.has_temporal_context


def test_offsets_must_contain_zero():
    with pytest.raises(ValueError, match='containing 0'):
        list(iter_clip_windows(_frames(3), [-1, 1]))


def test_frames_of_different_sizes_are_an_error():
    frames = _frames(2) + [np.zeros((5, 6, 3), np.uint8)]
    with pytest.raises(ValueError, match='same size'):
        list(iter_clip_windows(frames, [-1, 0, 1]))


def test_long_stream_is_read_once_lazily_and_frames_are_dropped():
    offsets = [-2, -1, 0, 1, 2]
    loaded = []  # weak references to every decoded frame
    pulled = []

    def stream():
        for i in range(40):
            pulled.append(i)
            yield i

    def load(i):
        img = np.full((2, 2, 3), i, dtype=np.uint8)
        loaded.append(weakref.ref(img))
        return img

    for window in iter_clip_windows(stream(), offsets, load_frame=load):
        t = window.frame_index
        # reads at most 2 frames ahead, each stream item decoded once
        assert len(pulled) == min(t + 3, 40)
        assert len(loaded) == len(pulled)
        # only the frames of the current window are still alive
        alive = [i for i, ref in enumerate(loaded) if ref() is not None]
        assert alive == sorted(set(window.frame_indices))
        assert len(alive) <= len(offsets)
    assert t == 39


def test_open_frame_stream_folder_is_sorted_images_only(tmp_path):
    for name in ('000002.png', '000000.png', '000001.png'):
        cv2.imwrite(str(tmp_path / name), np.zeros((4, 4, 3), np.uint8))
    (tmp_path / 'notes.txt').write_text('not a frame')
    expected = [str(tmp_path / f'{i:06d}.png') for i in range(3)]
    assert list_frame_files(str(tmp_path)) == expected
    assert open_frame_stream(str(tmp_path)) == expected
    with pytest.raises(FileNotFoundError):
        open_frame_stream(str(tmp_path / 'missing.mp4'))


def test_open_frame_stream_video_file_and_bad_paths(tmp_path):
    frames = [np.full((16, 16, 3), 40 * i, np.uint8) for i in range(3)]
    path = str(tmp_path / 'clip.mp4')
    write_video(path, frames, 5)
    decoded = list(open_frame_stream(path))
    assert len(decoded) == 3
    assert [int(round(f.mean() / 40)) for f in decoded] == [0, 1, 2]
    (tmp_path / 'empty.mp4').write_bytes(b'')
    with pytest.raises(ValueError, match='Cannot decode the video file'):
        open_frame_stream(str(tmp_path / 'empty.mp4'))
    (tmp_path / 'notes.txt').write_text('x')
    with pytest.raises(ValueError, match='neither a video file nor an image'):
        open_frame_stream(str(tmp_path / 'notes.txt'))
