"""tools/video_demo.py end to end on sample frames, with the boxes of the
sample detection file."""
import json
import os.path as osp
import shutil

import pytest
from tool_loading import load_tool
from video_files import read_video, write_video


@pytest.fixture(scope='module')
def demo():
    return load_tool('tools/video_demo.py')


def test_video_file_with_detection_json(demo, tiny_cfg_file, tiny_checkpoint,
                                        sample_clip, tmp_path, capsys):
    video = str(tmp_path / 'clip.mp4')
    write_video(video, sample_clip['arrays'], 10)
    num_frames = len(sample_clip['arrays'])

    out_dir = tmp_path / 'out'
    assert demo.main([
        video, '--pose2d', tiny_cfg_file, '--pose2d-weights',
        tiny_checkpoint, '--bboxes', sample_clip['det_file'],
        '--bbox-image-ids', sample_clip['ann_file'], '--out-dir',
        str(out_dir), '--device', 'cpu', '--draw-bbox'
    ]) == 0
    printed = capsys.readouterr().out
    assert f'{num_frames} frames' in printed
    assert 'frames/s' in printed
    assert 'Inference' in printed  # the progress bar (rich)

    with open(out_dir / 'predictions' / 'clip.json') as f:
        saved = json.load(f)
    assert len(saved) == num_frames
    # the sample detections (score >= 0.3) give 2 people in these frames
    assert [len(entry['instances']) for entry in saved] == [2] * num_frames
    # tracked by default: two distinct ids per frame
    ids = [{i['track_id'] for i in entry['instances']} for entry in saved]
    assert all(len(set(frame)) == 2 for frame in ids)
    rendered = out_dir / 'visualizations' / 'clip.mp4'
    assert str(rendered) in printed
    assert len(read_video(str(rendered))[0]) == num_frames


def test_folder_rendered_into_a_video(demo, tiny_cfg_file, tiny_checkpoint,
                                      sample_clip, tmp_path, capsys):
    folder = tmp_path / 'frames'
    folder.mkdir()
    for path in sample_clip['paths']:
        shutil.copy(path, folder)
    vis = str(tmp_path / 'poses.mp4')
    assert demo.main([
        str(folder), '--pose2d', tiny_cfg_file, '--pose2d-weights',
        tiny_checkpoint, '--bboxes', sample_clip['det_file'],
        '--bbox-image-ids', sample_clip['ann_file'], '--vis-out-dir', vis,
        '--vis-fps', '5', '--device', 'cpu', '--no-progress', '--no-track',
        '--pred-out-dir',
        str(tmp_path / 'pred')
    ]) == 0
    printed = capsys.readouterr().out
    assert 'Inference' not in printed
    assert len(read_video(vis)[0]) == len(sample_clip['paths'])
    for path in sample_clip['paths']:
        stem = osp.splitext(osp.basename(path))[0]
        with open(tmp_path / 'pred' / f'{stem}.json') as f:
            instances = json.load(f)
        assert instances and all('track_id' not in i for i in instances)


def test_no_boxes_is_a_usage_error(demo, tiny_cfg_file, sample_clip, capsys):
    with pytest.raises(SystemExit) as info:
        demo.main([sample_clip['paths'][0], '--pose2d', tiny_cfg_file])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert '--det-model' in err and '--bboxes' in err


def test_smoother_option_reaches_the_inferencer(demo, tiny_cfg_file,
                                                sample_clip, monkeypatch,
                                                capsys):
    """``--smoother`` (a type name or a dict string) is the inferencer's
    ``smoother``; a malformed one is one error line, exit status 2."""
    import tdmi_mmpose.apis
    from tdmi_mmpose.utils import run_tool
    built = []

    class Recorder:
        def __init__(self, **kwargs):
            built.append(kwargs['smoother'])
            self.inferencer = self

        def __call__(self, *args, **kwargs):
            self.output_paths = {}
            return iter([])

    monkeypatch.setattr(tdmi_mmpose.apis, 'MMPoseVideoInferencer', Recorder)
    args = [sample_clip['paths'][0], '--pose2d', tiny_cfg_file,
            '--det-model', 'whole_image', '--smoother']
    for value in ('OneEuroFilter',
                  "dict(type='GaussianFilter', window_size=5)", None):
        assert demo.main(args[:-1] + ([] if value is None else
                                      ['--smoother', value])) == 0
    assert built == [
        dict(type='OneEuroFilter'),
        dict(type='GaussianFilter', window_size=5), None
    ]
    assert run_tool(demo.main, args + ['dict(window_size=5)']) == 2
    assert "--smoother 'dict(window_size=5)': expected a type name" in \
        capsys.readouterr().err
