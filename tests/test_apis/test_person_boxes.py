import json

import numpy as np
import pytest

from tdmi_mmpose.apis import (PersonBoxSource, check_person_boxes,
                              image_ids_from_annotation)


def test_per_frame_list_gets_default_scores_and_threshold():
    source = PersonBoxSource(
        [[[0, 0, 10, 20]], [], [[1, 2, 3, 4, 0.2], [5, 6, 7, 8, 0.9]]],
        score_thr=0.5)
    np.testing.assert_array_equal(source.boxes_for(0), [[0, 0, 10, 20, 1]])
    assert source.boxes_for(1).shape == (0, 5)
    np.testing.assert_allclose(source.boxes_for(2), [[5, 6, 7, 8, 0.9]])
    with pytest.raises(ValueError, match='one entry per frame'):
        source.boxes_for(3)


def test_xywh_list_is_converted():
    source = PersonBoxSource([[[10, 20, 5, 6]]], bbox_format='xywh')
    np.testing.assert_array_equal(source.boxes_for(0), [[10, 20, 15, 26, 1]])


def test_one_2d_array_for_all_frames_is_rejected():
    with pytest.raises(ValueError, match='one .* array per frame'):
        PersonBoxSource(np.zeros((2, 4)))


def test_coco_detections_mapped_through_annotation_image_ids(sample_clip):
    with open(sample_clip['det_file']) as f:
        dets = json.load(f)
    image_ids = image_ids_from_annotation(sample_clip['ann_file'])
    assert len(image_ids) == 15  # one per frame of the video, in order
    source = PersonBoxSource(
        sample_clip['det_file'], sample_clip['ann_file'], score_thr=0.3)
    for frame, image_id in enumerate(image_ids):
        expected = [[d['bbox'][0], d['bbox'][1], d['bbox'][0] + d['bbox'][2],
                     d['bbox'][1] + d['bbox'][3], d['score']] for d in dets
                    if d['image_id'] == image_id and d['score'] >= 0.3]
        np.testing.assert_allclose(
            source.boxes_for(frame), np.array(expected).reshape(-1, 5),
            rtol=1e-6)
    # the low-score false positive of frame 9 is dropped
    assert any(d['image_id'] == image_ids[9] and d['score'] < 0.3
               for d in dets)


def test_image_id_keys_need_a_mapping(sample_clip):
    with pytest.raises(ValueError, match='bbox_image_ids'):
        PersonBoxSource(sample_clip['det_file'])


def test_frame_index_json_and_non_person_categories(tmp_path):
    path = tmp_path / 'boxes.json'
    path.write_text(json.dumps([
        dict(frame_index=1, bbox=[1, 2, 3, 4], score=0.8),
        dict(frame_index=1, bbox=[0, 0, 9, 9], score=0.9, category_id=3),
    ]))
    source = PersonBoxSource(str(path))
    assert source.boxes_for(0).shape == (0, 5)
    np.testing.assert_allclose(source.boxes_for(1), [[1, 2, 4, 6, 0.8]])


def test_boxes_partly_outside_are_clipped():
    boxes = np.array([[-5, 10, 50, 300, 1], [1, 1, 2, 2, 1]], np.float32)
    clipped, changed = check_person_boxes(boxes, (240, 320), 'frame 0')
    assert changed
    np.testing.assert_array_equal(clipped,
                                  [[0, 10, 50, 240, 1], [1, 1, 2, 2, 1]])
    _, changed = check_person_boxes(boxes[1:], (240, 320), 'frame 0')
    assert not changed


@pytest.mark.parametrize('box, match', [
    ([400, 10, 500, 100, 1], 'entirely outside'),
    ([50, 60, 40, 100, 1], 'x2 <= x1'),
])
def test_invalid_boxes_are_errors_or_dropped(box, match):
    boxes = np.array([box, [1, 1, 2, 2, 1]], np.float32)
    with pytest.raises(ValueError, match=match):
        check_person_boxes(boxes, (240, 320), 'frame 3')
    kept, _ = check_person_boxes(
        boxes, (240, 320), 'frame 3', drop_invalid=True)
    np.testing.assert_array_equal(kept, [[1, 1, 2, 2, 1]])


@pytest.mark.parametrize('content, match', [
    ('[{"frame_index": 0, "bbox": [1, 2, 3', r'boxes\.json: not valid JSON'),
    ('[{"frame_index": 0, "bbox": [1, 2, "a", 4]}]',
     r'boxes\.json: detection #0: field "bbox" must be numbers: value \'a\' '
     r'at index 2'),
    ('[{"frame_index": 0, "bbox": [1, 2, 3, 4], "score": null}]',
     r'detection #0: field "score" must be .* got None'),
    ('{"annotations": []}', r'boxes\.json: a JSON dict must be a COCO'),
])
def test_bad_json_files_name_the_file_and_entry(tmp_path, content, match):
    path = tmp_path / 'boxes.json'
    path.write_text(content)
    with pytest.raises(ValueError, match=match):
        PersonBoxSource(str(path))


def test_missing_json_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.json'):
        PersonBoxSource(str(tmp_path / 'nope.json'))


def test_coco_annotation_dict_uses_its_images_for_the_frame_order():
    ann = dict(
        images=[dict(id=7, frame_id=101), dict(id=5, frame_id=100)],
        annotations=[
            dict(image_id=7, bbox=[10, 20, 30, 40], category_id=1),
            dict(image_id=5, bbox=[1, 2, 3, 4], score=0.5),
            dict(image_id=99, bbox=[1, 2, 3, 4]),  # not this video
        ])
    source = PersonBoxSource(ann)
    np.testing.assert_allclose(source.boxes_for(0), [[1, 2, 4, 6, 0.5]])
    np.testing.assert_allclose(source.boxes_for(1), [[10, 20, 40, 60, 1]])
