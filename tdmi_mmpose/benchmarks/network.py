# Copyright (c) tdmi_mmpose contributors.
"""Speed and memory of a TDMI config's network against mmpose's
single-frame HRNet-W48 on the same person crops, in one run: (a) inference,
(b) training iterations, (c) the data pipeline (docs/benchmarks.md)."""
import copy
import dataclasses
import math
import os.path as osp
import tempfile
from typing import Optional, Sequence, Tuple

import mmpose
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

from ..io import load_config
from ..utils.errors import InputError
from .measure import (ModuleTimer, PeakMemory, load_average, log,
                      machine_info, run_cases, tensors_mib)
from .pipeline import benchmark_pipeline

#: mmpose's single-frame HRNet-W48 (its model-zoo config).
BASELINE_CONFIG = ('body_2d_keypoint/topdown_heatmap/coco/'
                   'td-hm_hrnet-w48_8xb32-210e_coco-384x288.py')
PARTS = ('inference', 'training', 'pipeline')
#: The project's targets: part -> (what, ratio limit, strict, ratio key).
TARGETS = dict(
    inference=('TDMI inference <= 1.15 x T single-frame passes', 1.15, False,
               'ratio_vs_T_single_frame_passes'),
    training=('TDMI training iteration < T x single-frame iteration', 1.0,
              True, 'ratio_vs_T_single_frame_iterations'),
    pipeline=('T=5 pipeline <= T x T=1 pipeline per sample', 1.0, False,
              'ratio_vs_T_single_frame_pipelines'))


@dataclasses.dataclass
class BenchmarkSettings:
    """What :func:`run_benchmark` measures, and how (the options of
    ``tools/analysis/benchmark.py``, checked on creation). ``quick``: the
    smoke-test sizes (128x96 crops unless ``input_size`` is given, batch 1,
    1 iteration, no warm-up, 4 pipeline samples x 1 round)."""
    config: str
    baseline_config: Optional[str] = None
    device: str = 'cpu'
    batch_size: int = 2
    iters: int = 5
    warmup: int = 2
    input_size: Optional[Tuple[int, int]] = None  # (W, H)
    parts: Sequence[str] = PARTS
    amp: bool = False
    channels_last: bool = False
    compile: bool = False
    threads: Optional[int] = None
    data_root: Optional[str] = None
    pipeline_samples: int = 100
    pipeline_rounds: int = 3
    seed: int = 0
    command: str = ''
    quick: bool = False

    def __post_init__(self) -> None:
        if self.quick:
            self.input_size = self.input_size or (96, 128)
            self.batch_size, self.iters, self.warmup = 1, 1, 0
            self.pipeline_samples, self.pipeline_rounds = 4, 1
        if self.iters < 1 or self.batch_size < 1 or self.warmup < 0:
            raise InputError('--iters and --batch-size must be >= 1, '
                             f'--warmup >= 0; got {self.iters}, '
                             f'{self.batch_size}, {self.warmup}')
        if self.input_size and any(s % 32 for s in self.input_size):
            raise InputError('--input-size: HRNet needs multiples of 32, got '
                             f'{list(self.input_size)}')
        if self.amp and not self.device.startswith('cuda'):
            raise InputError(f'--amp needs a CUDA device, got {self.device}')


def build_model(model_cfg: dict, settings: BenchmarkSettings,
                device: torch.device) -> torch.nn.Module:
    """A pose estimator with random weights (no checkpoint is read)."""
    cfg = copy.deepcopy(model_cfg)
    cfg['backbone'].pop('init_cfg', None)
    cfg.pop('data_preprocessor', None)  # inputs are given normalised
    model = MODELS.build(cfg).to(device)
    if settings.channels_last:
        model = model.to(memory_format=torch.channels_last)
    if settings.compile:
        model.backbone = torch.compile(model.backbone)
    return model


def fake_data_samples(batch_size: int, num_keypoints: int, heatmap_hw,
                      device: torch.device) -> list:
    """Data samples with random heatmap targets and unit keypoint weights
    (what ``GenerateTarget`` + ``PackPoseInputs`` give the losses)."""
    samples = []
    for _ in range(batch_size):
        sample = PoseDataSample()
        sample.gt_fields = PixelData(
            heatmaps=torch.rand(num_keypoints, *heatmap_hw))
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=torch.ones(1, num_keypoints))
        samples.append(sample.to(device))
    return samples


def _channels_last(x: torch.Tensor, settings: BenchmarkSettings):
    x = x.contiguous()
    return x.to(memory_format=torch.channels_last) \
        if settings.channels_last else x


def bench_inference(models: dict, clips: torch.Tensor,
                    settings: BenchmarkSettings,
                    device: torch.device) -> dict:
    """(a): forward passes (``tensor`` mode, no flip test) of TDMI on the
    clips (B, T, 3, H, W) and of the single-frame model on their key frames
    (B, 3, H, W) and on all their frames (B*T, 3, H, W)."""
    num_frames = clips.shape[1]
    tdmi, hrnet = models['tdmi'], models['hrnet']
    key_frames = clips[:, tdmi.key_frame_index]
    cases = dict(  # name -> (model, input, label)
        tdmi=(tdmi, clips, f'TDMI T={num_frames}'),
        hrnet=(hrnet, _channels_last(key_frames, settings),
               'HRNet-W48 single-frame'),
        hrnet_all_frames=(hrnet, _channels_last(clips.flatten(0, 1),
                                                settings),
                          'HRNet-W48 single-frame on all B*T frames'))
    timer = ModuleTimer(tdmi.backbone, device)

    def forward(model, x):
        with torch.no_grad(), torch.autocast(
                device_type=device.type, dtype=torch.float16,
                enabled=settings.amp):
            return model(x, None, mode='tensor')

    tdmi.eval()
    hrnet.eval()
    results = run_cases([
        dict(name=name, label=f'{label}, input {tuple(x.shape)}',
             fn=lambda m=model, x=x: forward(m, x))
        for name, (model, x, label) in cases.items()
    ], settings.iters, settings.warmup, device, 'inference', timer.reset)
    for name, result in results.items():
        model, x, _ = cases[name]
        params = tensors_mib(model.parameters())
        rise = result['peak_rise_mib']
        result.update(
            input_shape=list(x.shape), person_crops=len(x),
            person_crops_per_s=len(x) / result['median_s'],
            params_mib=params,
            peak_memory_mib=None if rise is None else params + rise)
    results['tdmi'].update(
        backbone_calls_per_forward=len(timer.calls) / settings.iters,
        backbone_input_shape=list(timer.calls[0]),
        backbone_s_per_forward=timer.seconds / settings.iters,
        backbone_share=timer.seconds / sum(results['tdmi']['seconds']))
    tdmi_s = results['tdmi']['median_s']
    results['ratio_vs_T_single_frame_passes'] = tdmi_s / (
        num_frames * results['hrnet']['median_s'])
    results['ratio_vs_single_frame_on_all_frames'] = (
        tdmi_s / results['hrnet_all_frames']['median_s'])
    return results


def _training_step(model, optim_wrapper, inputs, samples, losses):
    with optim_wrapper.optim_context(model):
        loss_dict = model.loss(inputs, samples)
    loss, log_vars = model.parse_losses(loss_dict)
    optim_wrapper.update_params(loss)
    losses.append({k: float(v.detach()) for k, v in log_vars.items()})


def bench_training(models: dict, clips: torch.Tensor,
                   settings: BenchmarkSettings, device: torch.device,
                   num_keypoints: int) -> dict:
    """(b): training iterations of TDMI (frozen backbone) and of the
    single-frame model."""
    batch_size, num_frames = clips.shape[:2]
    samples = fake_data_samples(batch_size, num_keypoints,
                                (clips.shape[-2] // 4, clips.shape[-1] // 4),
                                device)
    key_frames = clips[:, models['tdmi'].key_frame_index]
    cases = dict(  # name -> (input, label)
        tdmi=(clips, f'TDMI T={num_frames} (frozen backbone)'),
        hrnet=(_channels_last(key_frames, settings),
               'HRNet-W48 single-frame'))
    wrapper_cfg = dict(
        type='AmpOptimWrapper' if settings.amp else 'OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-3))
    if settings.amp:
        wrapper_cfg['loss_scale'] = 'dynamic'
    wrappers, losses = {}, {}
    for name, model in models.items():
        model.train()
        wrappers[name] = build_optim_wrapper(model, wrapper_cfg)
        losses[name] = []
    results = run_cases([
        dict(name=name, label=f'{label}, input {tuple(x.shape)}',
             fn=lambda n=name, x=x: _training_step(
                 models[n], wrappers[n], x, samples, losses[n]))
        for name, (x, label) in cases.items()
    ], settings.iters, settings.warmup, device, 'training')
    for name, result in results.items():
        model, optim_wrapper = models[name], wrappers[name]
        # weights and optimizer state (allocated by the first step) persist
        # between iterations; the peak rise is what one iteration adds
        state = tensors_mib(model.parameters()) + tensors_mib(
            t for s in optim_wrapper.optimizer.state.values()
            for t in s.values())
        rise = result['peak_rise_mib']
        result.update(
            input_shape=list(cases[name][0].shape),
            trainable_params_m=sum(
                p.numel() for p in model.parameters() if p.requires_grad) /
            1e6,
            iters_per_s=1 / result['median_s'],
            person_crops_per_s=batch_size / result['median_s'],
            state_mib=state,
            peak_memory_mib=None if rise is None else state + rise,
            memory_method=PeakMemory.method(device),
            last_losses=losses[name][-1],
            losses_finite=all(
                all(map(math.isfinite, d.values())) for d in losses[name]))
        optim_wrapper.zero_grad()
    results['ratio_vs_T_single_frame_iterations'] = (
        results['tdmi']['median_s'] /
        (num_frames * results['hrnet']['median_s']))
    return results


def bench_pipeline(settings: BenchmarkSettings,
                   frame_offsets: Sequence[int]) -> dict:
    """(c): the config's train pipeline for the clip and for T = 1 (on the
    synthetic sample data unless ``settings.data_root`` is given)."""
    from ..synthetic import make_sample_posetrack
    with tempfile.TemporaryDirectory() as tmp_dir:
        data_root = settings.data_root
        if data_root is None:
            log('[pipeline] generating the synthetic sample data')
            data_root = tmp_dir + '/'
            make_sample_posetrack(data_root, seed=0)
        log(f'[pipeline] train pipeline of {osp.basename(settings.config)}, '
            f'{settings.pipeline_samples} samples x '
            f'{settings.pipeline_rounds} rounds')
        report = benchmark_pipeline(
            settings.config, frame_offsets, dict(data_root=data_root),
            num_samples=settings.pipeline_samples,
            rounds=settings.pipeline_rounds,
            warmup=min(5, settings.pipeline_samples), seed=settings.seed)
    multi = report['results'][f'T={len(frame_offsets)}']
    report['ratio_vs_T_single_frame_pipelines'] = multi['ms_per_sample'] / (
        len(frame_offsets) * report['results']['T=1']['ms_per_sample'])
    report['data_root'] = settings.data_root or '(synthetic sample data)'
    return report


def check_targets(report: dict) -> dict:
    """Which of :data:`TARGETS` the report's ratios meet."""
    targets = {}
    for name, (text, limit, strict, key) in TARGETS.items():
        ratio = report.get(name, {}).get(key)
        if ratio is not None:
            met = ratio < limit if strict else ratio <= limit
            targets[name] = dict(
                target=text, ratio=ratio, limit=limit, met=bool(met))
    return targets


def run_benchmark(settings: BenchmarkSettings) -> dict:
    """Measure what ``settings.parts`` name (see the module docstring).

    Args:
        settings (:obj:`BenchmarkSettings`): What and how.

    Returns:
        dict: The report: ``config``, ``settings``, ``machine`` and per part
        its figures, then ``targets`` (:func:`check_targets`).
    """
    if settings.threads:
        torch.set_num_threads(settings.threads)
    device = torch.device(settings.device)
    init_default_scope('mmpose')
    tdmi_cfg = load_config(settings.config)
    offsets = list(tdmi_cfg.frame_offsets)
    baseline_path = settings.baseline_config or osp.join(
        osp.dirname(mmpose.__file__), '.mim', 'configs', BASELINE_CONFIG)
    width, height = settings.input_size or tdmi_cfg.codec['input_size']
    report = dict(
        config=settings.config,
        baseline_config=baseline_path,
        settings=dict(
            dataclasses.asdict(settings),
            num_frames=len(offsets),
            input_size_wh=[width, height]),
        machine=machine_info(device))
    log(f'Benchmark on {device} ({report["machine"]["processor"]}, '
        f'{report["machine"]["cpu_count"]} CPUs, torch {torch.__version__}):'
        f' batch {settings.batch_size}, T={len(offsets)}, {height}x{width} '
        'crops')
    if {'inference', 'training'} & set(settings.parts):
        models = dict(
            tdmi=build_model(tdmi_cfg.model, settings, device),
            hrnet=build_model(
                Config.fromfile(baseline_path).model, settings, device))
        generator = torch.Generator().manual_seed(settings.seed)
        clips = torch.randn(settings.batch_size, len(offsets), 3, height,
                            width, generator=generator).to(device)
        if 'inference' in settings.parts:
            report['inference'] = bench_inference(models, clips, settings,
                                                  device)
        if 'training' in settings.parts:
            report['training'] = bench_training(
                models, clips, settings, device,
                tdmi_cfg.model.head.out_channels)
        del models
    if 'pipeline' in settings.parts:
        report['pipeline'] = bench_pipeline(settings, offsets)
    report['targets'] = check_targets(report)
    report['machine']['load_avg_1min_after'] = load_average()
    return report
