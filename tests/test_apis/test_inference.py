"""Low-level video inference: clips, neighbours, the sliding window."""
import numpy as np
import pytest

from tdmi_mmpose.apis import (build_test_pipeline, inference_video,
                              inference_video_topdown)


def _keypoints(samples):
    return [(s.pred_instances.keypoints, s.pred_instances.keypoint_scores)
            for s in samples]


def test_inference_video_topdown_returns_one_sample_per_box(
        tiny_model, sample_clip, sample_clip_boxes):
    frames = sample_clip['arrays'][:5]
    boxes = sample_clip_boxes[2]
    results = inference_video_topdown(tiny_model, frames, bboxes=boxes)
    assert len(results) == len(boxes) == 2
    for sample, box in zip(results, boxes):
        assert sample.metainfo['key_frame_index'] == 2
        assert sample.pred_instances.keypoints.shape == (1, 17, 2)
        np.testing.assert_allclose(sample.pred_instances.bboxes[0], box[:4])
        # keypoints come back in image coordinates, inside the enlarged box
        kpts = sample.pred_instances.keypoints[0]
        w, h = box[2] - box[0], box[3] - box[1]
        assert (kpts[:, 0] > box[0] - w).all()
        assert (kpts[:, 0] < box[2] + w).all()
        assert (kpts[:, 1] > box[1] - h).all()
        assert (kpts[:, 1] < box[3] + h).all()
    # file paths give the same result as the decoded arrays
    from_paths = inference_video_topdown(
        tiny_model, sample_clip['paths'][:5], bboxes=boxes)
    for a, b in zip(_keypoints(results), _keypoints(from_paths)):
        np.testing.assert_array_equal(a[0], b[0])


def test_changing_a_neighbour_changes_the_key_frame_prediction(
        tiny_model, sample_clip, sample_clip_boxes):
    frames = list(sample_clip['arrays'][:5])
    boxes = sample_clip_boxes[2]
    base = _keypoints(inference_video_topdown(tiny_model, frames,
                                              bboxes=boxes))
    frames[3] = frames[3][:, ::-1].copy()  # a different supporting frame
    changed = _keypoints(
        inference_video_topdown(tiny_model, frames, bboxes=boxes))
    for (kpts_a, scores_a), (kpts_b, scores_b) in zip(base, changed):
        assert not np.allclose(scores_a, scores_b, rtol=0, atol=1e-4)


def test_clip_length_must_match_the_model(tiny_model, sample_clip):
    with pytest.raises(ValueError, match='clips of 5 frames'):
        inference_video_topdown(tiny_model, sample_clip['arrays'][:3])


def test_sliding_window_uses_the_real_neighbours(tiny_model, sample_clip,
                                                 sample_clip_boxes):
    """Changing frame 4 of a 6-frame video changes exactly the frames whose
    window [t-2, t+2] holds it (2..5), not frames 0 and 1."""
    frames = list(sample_clip['arrays'])
    base = list(inference_video(tiny_model, frames, sample_clip_boxes))
    frames[4] = frames[4][:, ::-1].copy()
    changed = list(inference_video(tiny_model, frames, sample_clip_boxes))
    assert len(base) == len(changed) == 6
    for t, (a, b) in enumerate(zip(base, changed)):
        same = np.array_equal(a.pred_instances.keypoint_scores,
                              b.pred_instances.keypoint_scores)
        assert same == (t in (0, 1)), t
    # frame 0 is predicted from the clamped clip [f0, f0, f0, f1, f2]
    f = sample_clip['arrays']
    clip = inference_video_topdown(
        tiny_model, [f[0], f[0], f[0], f[1], f[2]],
        bboxes=sample_clip_boxes[0])
    np.testing.assert_array_equal(
        base[0].pred_instances.keypoints,
        np.concatenate([s.pred_instances.keypoints for s in clip]))


def test_inference_runs_the_configs_test_pipeline(tiny_model,
                                                  video_inferencer):
    """No transform is stripped: the loader takes the decoded frames."""
    expected = [
        step['type']
        for step in tiny_model.cfg.test_dataloader.dataset.pipeline
    ]
    assert expected[0] == 'LoadVideoFrames'
    for pipeline in (build_test_pipeline(tiny_model.cfg),
                     video_inferencer.inferencer.pipeline):
        assert [type(t).__name__ for t in pipeline.transforms] == expected
