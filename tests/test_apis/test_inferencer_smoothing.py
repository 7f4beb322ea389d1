"""Temporal smoothing in the video inferencer (``smoother=``): off by
default; a filter with known arithmetic (Savitzky-Golay of order 0 over 3
frames: the mean of a track's keypoints at t - 1, t, t + 1) changes the
keypoints as a hand computation from the unsmoothed run says, per track
id, and delays the output by its latency."""
import weakref

import numpy as np
import pytest

from tdmi_mmpose.apis import (MMPoseVideoInferencer, OnlineSmoothing,
                              build_smoother)
from tdmi_mmpose.io import InputError
from tdmi_mmpose.smoothing import OneEuroFilter

DELTA = 2  # max(frame_offsets) of the tiny config
MEAN_OF_3 = dict(type='SavitzkyGolayFilter', window_size=3, order=0)


@pytest.fixture(scope='module')
def smoothed_inferencer(tiny_cfg_file, tiny_checkpoint):
    return MMPoseVideoInferencer(
        pose2d=tiny_cfg_file,
        pose2d_weights=tiny_checkpoint,
        device='cpu',
        smoother=MEAN_OF_3)


def _frames(results):
    """Per frame: {track id: (keypoints, keypoint_scores, bbox)}."""
    return [{
        inst['track_id']: (np.array(inst['keypoints']),
                           np.array(inst['keypoint_scores']),
                           np.array(inst['bbox'][0]))
        for inst in result['predictions'][0]
    } for result in results]


def test_smoothing_is_off_by_default(video_inferencer):
    assert video_inferencer.inferencer.smoothing is None


def test_mean_of_3_frames_per_track_as_computed_by_hand(
        video_inferencer, smoothed_inferencer, sample_clip,
        sample_clip_boxes):
    raw = _frames(
        video_inferencer(sample_clip['arrays'], bboxes=sample_clip_boxes))
    smoothed = _frames(
        smoothed_inferencer(sample_clip['arrays'], bboxes=sample_clip_boxes))
    assert smoothed_inferencer.inferencer.smoothing.latency == 1
    assert len(smoothed) == len(raw) == len(sample_clip['arrays'])
    changed = 0
    for t, (frame_raw, frame_smoothed) in enumerate(zip(raw, smoothed)):
        assert frame_smoothed.keys() == frame_raw.keys()
        for track_id, (kpts, scores, bbox) in frame_smoothed.items():
            window = [
                raw[s][track_id][0] for s in (t - 1, t, t + 1)
                if 0 <= s < len(raw) and track_id in raw[s]
            ]
            np.testing.assert_allclose(
                kpts, np.mean(window, axis=0), rtol=0, atol=1e-4)
            np.testing.assert_array_equal(scores, frame_raw[track_id][1])
            np.testing.assert_array_equal(bbox, frame_raw[track_id][2])
            changed += not np.allclose(kpts, frame_raw[track_id][0])
    assert changed > 0


@pytest.mark.parametrize('smoother, latency',
                         [(None, 0), (dict(type='OneEuroFilter'), 0),
                          (MEAN_OF_3, 1),
                          (dict(type='GaussianFilter', window_size=5), 2)])
def test_output_waits_for_delta_plus_the_filters_latency(
        video_inferencer, sample_clip, sample_clip_boxes, smoother,
        latency):
    """Frame t's result comes once frame t + δ + L is read; at most
    T + L frames are alive."""
    inferencer = video_inferencer.inferencer
    saved = inferencer.smoothing
    if smoother is not None:
        inferencer.smoothing = OnlineSmoothing(build_smoother(smoother))
    pulled = []

    def frames():
        for frame in sample_clip['arrays']:
            frame = frame.copy()
            pulled.append(weakref.ref(frame))
            yield frame

    num = len(sample_clip['arrays'])
    try:
        for t, _ in enumerate(
                video_inferencer(frames(), bboxes=sample_clip_boxes)):
            assert len(pulled) == min(t + DELTA + latency + 1, num)
            assert sum(ref() is not None for ref in pulled) <= 5 + latency
    finally:
        inferencer.smoothing = saved
    assert t == num - 1


def test_bad_smoother_arguments_are_clear_errors(smoothed_inferencer,
                                                 tiny_cfg_file, sample_clip,
                                                 sample_clip_boxes):
    with pytest.raises(ValueError, match='track=False with a smoother'):
        list(
            smoothed_inferencer(
                sample_clip['arrays'], bboxes=sample_clip_boxes,
                track=False))
    with pytest.raises(InputError, match='builds a PoseTracker'):
        MMPoseVideoInferencer(
            pose2d=tiny_cfg_file, device='cpu', smoother='PoseTracker')
    with pytest.raises(InputError, match="'NoSuchFilter': no such keypoint"):
        MMPoseVideoInferencer(
            pose2d=tiny_cfg_file, device='cpu', smoother='NoSuchFilter')
    assert isinstance(
        MMPoseVideoInferencer(
            pose2d=tiny_cfg_file, device='cpu',
            smoother='OneEuroFilter').inferencer.smoothing.smoother,
        OneEuroFilter)
