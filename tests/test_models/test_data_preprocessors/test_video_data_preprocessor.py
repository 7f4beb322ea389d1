"""VideoPoseDataPreprocessor: (B, T, 3, H, W) batching, BGR->RGB and
normalisation checked against an independent numpy computation."""
import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

from tdmi_mmpose.models.data_preprocessors import VideoPoseDataPreprocessor

MEAN = [123.675, 116.28, 103.53]
STD = [58.395, 57.12, 57.375]


def _reference(frames_bgr: np.ndarray) -> np.ndarray:
    """(T, 3, H, W) uint8 BGR -> normalised RGB float, in numpy."""
    rgb = frames_bgr[:, ::-1].astype(np.float64)
    mean = np.array(MEAN).reshape(1, 3, 1, 1)
    std = np.array(STD).reshape(1, 3, 1, 1)
    return (rgb - mean) / std


def _samples(n):
    samples = []
    for _ in range(n):
        s = PoseDataSample()
        s.gt_instances = InstanceData()
        samples.append(s)
    return samples


def _build(**kwargs):
    cfg = dict(
        type='VideoPoseDataPreprocessor', mean=MEAN, std=STD, bgr_to_rgb=True)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_registered():
    assert MODELS.get('VideoPoseDataPreprocessor') is \
        VideoPoseDataPreprocessor


def test_normalise_and_batch_list_of_videos():
    rng = np.random.default_rng(0)
    videos = [
        rng.integers(0, 256, (5, 3, 8, 6), dtype=np.uint8) for _ in range(3)
    ]
    data = dict(
        inputs=[torch.from_numpy(v) for v in videos], data_samples=_samples(3))
    out = _build()(data)
    assert out['inputs'].shape == (3, 5, 3, 8, 6)
    assert out['inputs'].dtype == torch.float32
    for b, video in enumerate(videos):
        np.testing.assert_allclose(
            out['inputs'][b].numpy(), _reference(video), rtol=1e-5, atol=1e-5)
    for s in out['data_samples']:
        assert s.metainfo['batch_input_shape'] == (8, 6)
        assert s.metainfo['pad_shape'] == (8, 6)


def test_no_channel_swap_and_no_normalisation():
    frames = torch.arange(2 * 3 * 2 * 2, dtype=torch.uint8).view(2, 3, 2, 2)
    out = VideoPoseDataPreprocessor()(dict(inputs=[frames]))
    torch.testing.assert_close(out['inputs'][0], frames.float())
    assert out['data_samples'] is None
    swapped = VideoPoseDataPreprocessor(bgr_to_rgb=True)(
        dict(inputs=[frames]))['inputs'][0]
    torch.testing.assert_close(swapped[:, 0], frames[:, 2].float())
    torch.testing.assert_close(swapped[:, 2], frames[:, 0].float())


def test_single_image_is_t1_and_stacked_tensors():
    rng = np.random.default_rng(1)
    imgs = rng.integers(0, 256, (2, 3, 4, 4), dtype=np.uint8)
    pre = _build()
    out = pre(dict(inputs=[torch.from_numpy(i) for i in imgs]))
    assert out['inputs'].shape == (2, 1, 3, 4, 4)
    np.testing.assert_allclose(
        out['inputs'][:, 0].numpy(), _reference(imgs), rtol=1e-5, atol=1e-5)
    # default_collate style: (B, T, 3, H, W) and (B, 3, H, W)
    videos = rng.integers(0, 256, (2, 3, 3, 4, 4), dtype=np.uint8)
    out = pre(dict(inputs=torch.from_numpy(videos)))
    assert out['inputs'].shape == (2, 3, 3, 4, 4)
    np.testing.assert_allclose(
        out['inputs'][1].numpy(), _reference(videos[1]), rtol=1e-5, atol=1e-5)
    assert pre(dict(inputs=torch.from_numpy(imgs)))['inputs'].shape == (2, 1,
                                                                        3, 4,
                                                                        4)


def test_padding_to_largest_size():
    a = torch.full((2, 3, 4, 5), 10, dtype=torch.uint8)
    b = torch.full((2, 3, 6, 3), 20, dtype=torch.uint8)
    out = VideoPoseDataPreprocessor(
        pad_size_divisor=4, pad_value=-1)(
            dict(inputs=[a, b], data_samples=_samples(2)))
    assert out['inputs'].shape == (2, 2, 3, 8, 8)
    assert (out['inputs'][0, :, :, :4, :5] == 10).all()
    assert (out['inputs'][0, :, :, 4:] == -1).all()
    assert out['data_samples'][0].metainfo['pad_shape'] == (4, 8)
    assert out['data_samples'][1].metainfo['batch_input_shape'] == (8, 8)


def test_bad_inputs():
    pre = _build()
    # the pipeline's output, so programming errors (assertions)
    with pytest.raises(AssertionError, match='same number of frames'):
        pre(dict(inputs=[torch.zeros(5, 3, 4, 4), torch.zeros(3, 3, 4, 4)]))
    with pytest.raises(AssertionError, match='3 channels'):
        pre(dict(inputs=[torch.zeros(5, 1, 4, 4)]))
    with pytest.raises(AssertionError, match=r'\(T, 3, H, W\)'):
        pre(dict(inputs=[torch.zeros(4, 4)]))
    with pytest.raises(AssertionError, match=r'\(B, T, 3, H, W\)'):
        pre(dict(inputs=torch.zeros(1, 1, 1, 3, 4, 4)))
    with pytest.raises(AssertionError, match='a tensor'):
        pre(dict(inputs=[np.zeros((3, 4, 4))]))


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_cuda():
    rng = np.random.default_rng(2)
    video = rng.integers(0, 256, (5, 3, 8, 6), dtype=np.uint8)
    pre = _build().cuda()
    out = pre(dict(inputs=[torch.from_numpy(video)], data_samples=_samples(1)))
    assert out['inputs'].is_cuda
    assert out['inputs'].shape == (1, 5, 3, 8, 6)
    np.testing.assert_allclose(
        out['inputs'][0].cpu().numpy(),
        _reference(video),
        rtol=1e-5,
        atol=1e-4)
