"""Live input (a camera or stream URL): a generated video file opened as a
stream of unknown length (``cv2.VideoCapture``) goes the camera's path
through the inferencer; outputs per frame as they go, a bounded window, the
latency of δ (+ the smoother's) frames, Ctrl-C as the stream's end, and the
error of a camera or URL that cannot be opened."""
import json
import os
import signal
import weakref

import cv2
import numpy as np
import pytest

from tdmi_mmpose.apis.inferencers import video_pose2d_inferencer
from tdmi_mmpose.io import InputError, open_frame_stream
from tdmi_mmpose.io.streams import LiveStream, live_source
from tdmi_mmpose.utils import run_tool
from tool_loading import load_tool
from video_files import read_video, write_video

FPS = 10
DELTA = 2  # max(frame_offsets) of the tiny config: [-2, ..., 2]
T = 5


class FakeCamera:
    """A capture (``cv2.VideoCapture``'s methods) of a video file, read by
    OpenCV as a stream, that counts its reads, keeps weak references to the
    frames it gave, and after ``interrupt_after`` frames raises
    ``KeyboardInterrupt`` in ``read`` (``'raise'``) or sends this process a
    SIGINT (``'signal'``: a real Ctrl-C) before giving the next frame. (A
    wrapper: a Python subclass of ``cv2.VideoCapture`` can crash Python's
    garbage collector.)"""

    def __init__(self, path, interrupt_after=None, how='raise'):
        self.capture = cv2.VideoCapture(path)
        self.interrupt_after, self.how = interrupt_after, how
        self.given = []
        self.isOpened, self.get = self.capture.isOpened, self.capture.get
        self.release = self.capture.release

    def read(self):
        if len(self.given) == self.interrupt_after:
            if self.how == 'raise':
                raise KeyboardInterrupt
            signal.raise_signal(signal.SIGINT)
        ok, frame = self.capture.read()
        if ok:
            self.given.append(weakref.ref(frame))
        return ok, frame

    def alive(self):
        return sum(ref() is not None for ref in self.given)


@pytest.fixture(scope='module')
def whole_image_inferencer(tiny_cfg_file, tiny_checkpoint):
    from tdmi_mmpose.apis import MMPoseVideoInferencer
    return MMPoseVideoInferencer(
        pose2d=tiny_cfg_file, pose2d_weights=tiny_checkpoint,
        det_model='whole_image', device='cpu')


@pytest.fixture(scope='module')
def clip_video(sample_clip, tmp_path_factory):
    """The sample clip as an .mp4 file and its decoded frames."""
    path = str(tmp_path_factory.mktemp('live') / 'clip.mp4')
    write_video(path, sample_clip['arrays'], FPS)
    return dict(path=path, decoded=read_video(path)[0])


def _keypoints(results):
    return [
        np.array([i['keypoints'] for i in r['predictions'][0]])
        for r in results
    ]


def _no_hidden_files(folder):
    return [name for name in os.listdir(folder) if name.startswith('.')]


def test_live_sources_are_recognised():
    assert [live_source(s) for s in (0, 3, '1', 'webcam', 'WEBCAM:2')] == \
        [0, 3, 1, 0, 2]
    for url in ('rtsp://10.0.0.1/live', 'http://host/cam.mjpg'):
        assert live_source(url) == url
    for other in ('clip.mp4', 'frames/', True, None, ['0']):
        assert live_source(other) is None
    with pytest.raises(InputError, match='webcam:N'):
        live_source('webcam:x')


def test_an_opened_capture_is_a_live_stream(clip_video):
    stream = open_frame_stream(cv2.VideoCapture(clip_video['path']))
    assert isinstance(stream, LiveStream)
    assert (stream.name, stream.fps) == ('stream', FPS)
    frames = list(stream)
    assert len(frames) == len(clip_video['decoded'])
    np.testing.assert_array_equal(frames[-1], clip_video['decoded'][-1])


@pytest.mark.parametrize('source, named', [(99, 'camera 99'),
                                           ('webcam:99', 'camera 99'),
                                           ('rtsp://127.0.0.1:9/none',
                                            'stream rtsp://127.0.0.1:9/none')])
def test_a_source_that_cannot_be_opened_is_a_clear_error(source, named):
    with pytest.raises(InputError, match=f'Cannot open {named}'):
        open_frame_stream(source)


def test_the_inferencer_and_the_demo_name_the_camera(video_inferencer,
                                                     tiny_cfg_file, capsys):
    with pytest.raises(InputError, match='Cannot open camera 99'):
        video_inferencer('webcam:99', bboxes=None)
    demo = load_tool('tools/video_demo.py')
    assert run_tool(demo.main, [
        '99', '--pose2d', tiny_cfg_file, '--det-model', 'whole_image',
        '--device', 'cpu'
    ]) == 2
    assert 'Cannot open camera 99' in capsys.readouterr().err


def test_a_video_file_as_a_stream_equals_its_frames(video_inferencer,
                                                    clip_video,
                                                    sample_clip_boxes,
                                                    tmp_path):
    """Frame t's result comes once frame t + δ is read, at most T frames
    are alive, per-frame JSON and the rendered video are complete."""
    camera = FakeCamera(clip_video['path'])
    num = len(clip_video['decoded'])
    results = []
    for t, result in enumerate(
            video_inferencer(
                LiveStream(camera), bboxes=sample_clip_boxes,
                out_dir=str(tmp_path))):
        assert len(camera.given) == min(t + DELTA + 1, num)
        assert camera.alive() <= T
        results.append(result)
    expected = list(
        video_inferencer(clip_video['decoded'], bboxes=sample_clip_boxes))
    assert len(results) == num
    for a, b in zip(_keypoints(results), _keypoints(expected)):
        np.testing.assert_array_equal(a, b)
    preds = tmp_path / 'predictions'
    assert sorted(os.listdir(preds)) == [f'{t:06d}.json' for t in range(num)]
    for t, keypoints in enumerate(_keypoints(results)):
        saved = json.loads((preds / f'{t:06d}.json').read_text())
        np.testing.assert_allclose([i['keypoints'] for i in saved],
                                   keypoints, rtol=1e-6)
    rendered, fps = read_video(str(tmp_path / 'visualizations' / 'stream.mp4'))
    assert (len(rendered), fps) == (num, FPS)
    assert not _no_hidden_files(tmp_path / 'visualizations')


@pytest.fixture
def python_sigint_handler():
    """Python's own SIGINT handler for the test (a suite started in the
    background inherits SIGINT ignored, where no Ctrl-C reaches a
    program)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize('how', ['raise', 'signal'])
def test_ctrl_c_ends_the_stream_with_complete_outputs(whole_image_inferencer,
                                                      clip_video, tmp_path,
                                                      how,
                                                      python_sigint_handler):
    """A Ctrl-C after 4 frames (in ``read``, or a SIGINT anywhere) ends the
    stream there: 4 results, each written; the window is flushed (the
    last frames' clips clamped at frame 3); the handler is restored."""
    camera = FakeCamera(clip_video['path'], interrupt_after=4, how=how)
    results = list(
        whole_image_inferencer(LiveStream(camera), out_dir=str(tmp_path)))
    expected = list(whole_image_inferencer(clip_video['decoded'][:4]))
    assert len(results) == 4
    for a, b in zip(_keypoints(results), _keypoints(expected)):
        np.testing.assert_array_equal(a, b)
    assert sorted(os.listdir(tmp_path / 'predictions')) == [
        f'{t:06d}.json' for t in range(4)
    ]
    rendered, _ = read_video(str(tmp_path / 'visualizations' / 'stream.mp4'))
    assert len(rendered) == 4
    assert not _no_hidden_files(tmp_path / 'predictions')
    assert not _no_hidden_files(tmp_path / 'visualizations')
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_abort_leaves_no_partial_video_under_its_name(
        whole_image_inferencer, clip_video, tmp_path, monkeypatch):
    """A KeyboardInterrupt outside the stream (a second Ctrl-C) stops at
    once: the JSON files written are complete, the video is not there."""
    calls = []
    original = video_pose2d_inferencer.predict_clip

    def predict_then_abort(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(video_pose2d_inferencer, 'predict_clip',
                        predict_then_abort)
    with pytest.raises(KeyboardInterrupt):
        for _ in whole_image_inferencer(
                LiveStream(FakeCamera(clip_video['path'])),
                out_dir=str(tmp_path)):
            pass
    names = sorted(os.listdir(tmp_path / 'predictions'))
    assert names == [f'{t:06d}.json' for t in range(3)]
    for name in names:
        json.loads((tmp_path / 'predictions' / name).read_text())
    assert not (tmp_path / 'visualizations' / 'stream.mp4').exists()
