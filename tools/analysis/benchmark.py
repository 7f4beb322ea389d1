# Copyright (c) tdmi_mmpose contributors.
"""Speed and memory of TDMI against mmpose's single-frame HRNet-W48, in one
run on one machine, on the same person crops.

Measured (median of ``--iters`` timed rounds after ``--warmup`` untimed
calls; in each round every case runs once in turn, so a change of load on
the machine hits the models alike):

(a) inference (network forward in ``tensor`` mode, no flip test, no
    decoding, no data preprocessor: the crops are given normalised) in
    person-crops/s: TDMI on clips ``(B, T, 3, H, W)``, and
    mmpose's ``TopdownPoseEstimator`` (HRNet-W48 + ``HeatmapHead``, the
    ``td-hm_hrnet-w48_8xb32-210e_coco-384x288`` config's model) on the
    clips' key frames ``(B, 3, H, W)``, the same crops, and on all their
    frames ``(B*T, 3, H, W)``, the batch TDMI's backbone runs on. Also the
    time TDMI spends in its backbone (forward hooks).
(b) training iterations/s (loss, backward, Adam step, random heatmap
    targets) and peak memory, for TDMI with its frozen backbone and for the
    single-frame model trained as a whole. Peak memory = the weights and
    the optimizer state + how far one iteration raises memory use above
    that: ``torch.cuda.max_memory_allocated`` on CUDA; on the CPU the
    process's peak resident set size (``VmHWM``, reset through
    ``/proc/self/clear_refs``), each over its level before the iteration.
    Inference reports the same (weights + one forward's rise).
(c) the data pipeline's samples/s for T=5 and T=1
    (``tools/analysis/benchmark_pipeline.py``, on the bundled synthetic
    sample data unless ``--data-root`` is given).

The models are built from the configs with random weights (no checkpoint
is needed for timing). The targets of the project are checked at the end:
TDMI inference <= 1.15 x T single-frame passes, a TDMI training iteration
< T x a single-frame one, the T=5 pipeline <= T x the T=1 pipeline per
sample.

Example::

    python tools/analysis/benchmark.py --device cpu --batch-size 2 \
        --iters 3 --warmup 1 --json benchmark_cpu.json
    python tools/analysis/benchmark.py --quick --json /tmp/bench.json
"""
import argparse
import copy
import json
import math
import os
import os.path as osp
import platform
import statistics
import sys
import tempfile
import time
from typing import Callable, Dict, List, Optional, Sequence

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIG = osp.join(ROOT, 'configs', 'tdmi_hrnet_w48_posetrack18.py')
BASELINE_CONFIG = ('body_2d_keypoint/topdown_heatmap/coco/'
                   'td-hm_hrnet-w48_8xb32-210e_coco-384x288.py')
PARTS = ('inference', 'training', 'pipeline')
TARGETS = dict(inference=1.15, training=1.0, pipeline=1.0)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='TDMI vs single-frame HRNet-W48: throughput, memory')
    parser.add_argument(
        '--config', default=DEFAULT_CONFIG, help='TDMI config (its model)')
    parser.add_argument(
        '--baseline-config',
        help='single-frame config (its model); default: mmpose\'s '
        f'{BASELINE_CONFIG}')
    parser.add_argument('--device', default='cpu', help='cpu, cuda, cuda:1')
    parser.add_argument(
        '--batch-size', type=int, default=2, help='person crops per batch')
    parser.add_argument(
        '--iters', type=int, default=5, help='timed iterations per case')
    parser.add_argument(
        '--warmup', type=int, default=2, help='untimed iterations first')
    parser.add_argument(
        '--input-size',
        type=int,
        nargs=2,
        metavar=('W', 'H'),
        help='crop size (multiples of 32); default: the TDMI config\'s '
        'codec input size (288 384)')
    parser.add_argument(
        '--parts',
        nargs='+',
        choices=PARTS,
        default=list(PARTS),
        help='what to measure')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='float16 autocast (inference) and AmpOptimWrapper (training), '
        'CUDA only')
    parser.add_argument(
        '--channels-last',
        action='store_true',
        help='channels-last memory format for both models and inputs')
    parser.add_argument(
        '--compile',
        action='store_true',
        help='torch.compile both backbones (compilation is not timed)')
    parser.add_argument(
        '--threads', type=int, help='torch.set_num_threads (CPU)')
    parser.add_argument(
        '--data-root',
        help='dataset for the pipeline part (PoseTrack18 layout); default: '
        'the synthetic sample data, generated in a temporary folder')
    parser.add_argument(
        '--pipeline-samples',
        type=int,
        default=100,
        help='samples per pipeline round')
    parser.add_argument(
        '--pipeline-rounds', type=int, default=3, help='pipeline rounds')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--json', help='also write the report to this file')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='smoke-test sizes: 128x96 crops, batch 1, 1 iteration, no '
        'warm-up, 4 pipeline samples x 1 round')
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.quick:
        args.input_size = args.input_size or [96, 128]
        args.batch_size, args.iters, args.warmup = 1, 1, 0
        args.pipeline_samples, args.pipeline_rounds = 4, 1
    if args.iters < 1 or args.batch_size < 1 or args.warmup < 0:
        parser.error('--iters and --batch-size must be >= 1, --warmup >= 0')
    if args.input_size and any(s % 32 for s in args.input_size):
        parser.error('--input-size: HRNet needs multiples of 32')
    if args.amp and not args.device.startswith('cuda'):
        parser.error('--amp needs a CUDA device')
    return args


def log(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------------------
# measuring


def synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def _read_status_kib(field: str) -> Optional[int]:
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class PeakMemory:
    """How far memory use rises above its level on entry while the code
    inside the context runs, in MiB.

    CUDA: ``torch.cuda.max_memory_allocated`` (reset on entry) minus
    ``torch.cuda.memory_allocated`` on entry. CPU: the process's peak
    resident set size ``VmHWM`` (reset on entry through
    ``/proc/self/clear_refs``) minus its resident size ``VmRSS`` on entry;
    ``None`` where Linux's ``/proc`` interface is not available.

    Args:
        device (torch.device): The device the models run on.
    """

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.mib: Optional[float] = None

    @staticmethod
    def method(device: torch.device) -> str:
        """str: How :class:`PeakMemory` measures on ``device``."""
        if device.type == 'cuda':
            return ('torch.cuda.max_memory_allocated - memory_allocated '
                    'before')
        return 'peak RSS (VmHWM) - RSS before'

    def __enter__(self) -> 'PeakMemory':
        if self.device.type == 'cuda':
            synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self._start = torch.cuda.memory_allocated(self.device)
        else:
            try:
                with open('/proc/self/clear_refs', 'w') as f:
                    f.write('5')
                self._start = _read_status_kib('VmRSS')
            except OSError:
                self._start = None
        return self

    def __exit__(self, *exc) -> None:
        if self.device.type == 'cuda':
            synchronize(self.device)
            peak = torch.cuda.max_memory_allocated(self.device)
            self.mib = (peak - self._start) / 2**20
        elif self._start is not None:
            peak = _read_status_kib('VmHWM')
            if peak is not None:
                self.mib = (peak - self._start) / 1024


def tensors_mib(tensors) -> float:
    """Memory of the distinct tensors in ``tensors``, in MiB."""
    seen, total = set(), 0
    for tensor in tensors:
        if isinstance(tensor, torch.Tensor) and id(tensor) not in seen:
            seen.add(id(tensor))
            total += tensor.numel() * tensor.element_size()
    return total / 2**20


def run_cases(
        cases: List[dict],
        args,
        device: torch.device,
        section: str,
        on_timed: Optional[Callable[[], None]] = None) -> Dict[str, dict]:
    """Warm up every case, measure the memory of one call of each, then
    time ``args.iters`` rounds in which every case is called once in turn,
    so that a change of load on the machine hits all cases alike.

    Args:
        cases (list[dict]): ``name``, ``label`` and ``fn`` (no arguments).
        args (argparse.Namespace): ``warmup`` and ``iters``.
        device (torch.device): The device, synchronised around each call.
        section (str): Name used in the progress lines.
        on_timed (callable, optional): Called before the timed rounds.

    Returns:
        dict: Per case name, ``seconds`` (the timed calls), ``median_s`` and
        ``peak_rise_mib`` (one call, see :class:`PeakMemory`).
    """
    results = {case['name']: dict(seconds=[]) for case in cases}
    for case in cases:
        log(f'[{section}] {case["label"]}')
        for i in range(args.warmup):
            start = time.perf_counter()
            case['fn']()
            synchronize(device)
            log(f'  warm-up {i + 1}/{args.warmup}: '
                f'{time.perf_counter() - start:.3f} s')
        with PeakMemory(device) as memory:
            case['fn']()
        results[case['name']]['peak_rise_mib'] = memory.mib
    if on_timed is not None:
        on_timed()
    for i in range(args.iters):
        times = []
        for case in cases:
            synchronize(device)
            start = time.perf_counter()
            case['fn']()
            synchronize(device)
            seconds = time.perf_counter() - start
            results[case['name']]['seconds'].append(seconds)
            times.append(f'{case["name"]} {seconds:.3f} s')
        log(f'  [{section}] round {i + 1}/{args.iters}: ' + ', '.join(times))
    for result in results.values():
        result['median_s'] = statistics.median(result['seconds'])
    return results


# ---------------------------------------------------------------------------
# models and data


def baseline_config_path(path: Optional[str]) -> str:
    if path:
        return path
    import mmpose
    return osp.join(
        osp.dirname(mmpose.__file__), '.mim', 'configs', BASELINE_CONFIG)


def build_model(model_cfg: dict, device: torch.device, channels_last: bool,
                compile_backbone: bool) -> torch.nn.Module:
    """Build a pose estimator with random weights (no checkpoint)."""
    from mmpose.registry import MODELS
    cfg = copy.deepcopy(model_cfg)
    cfg['backbone'].pop('init_cfg', None)
    cfg.pop('data_preprocessor', None)  # inputs are given normalised
    model = MODELS.build(cfg).to(device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    if compile_backbone:
        model.backbone = torch.compile(model.backbone)
    return model


def fake_data_samples(batch_size: int, num_keypoints: int, heatmap_hw,
                      key_frame_index: int, device: torch.device) -> list:
    """Data samples with random heatmap targets and unit keypoint weights
    (what ``GenerateTarget`` + ``PackPoseInputs`` give the losses)."""
    from mmengine.structures import InstanceData, PixelData

    from mmpose.structures import PoseDataSample
    samples = []
    for _ in range(batch_size):
        sample = PoseDataSample(metainfo=dict(key_frame_index=key_frame_index))
        sample.gt_fields = PixelData(
            heatmaps=torch.rand(num_keypoints, *heatmap_hw))
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=torch.ones(1, num_keypoints))
        samples.append(sample.to(device))
    return samples


class BackboneTimer:
    """Wall time spent in ``module``'s forward (forward hooks), and the
    input shapes it was called with."""

    def __init__(self, module: torch.nn.Module, device: torch.device) -> None:
        self.device = device
        self.seconds = 0.0
        self.calls: List[tuple] = []
        module.register_forward_pre_hook(self._pre)
        module.register_forward_hook(self._post)

    def _pre(self, module, args):
        synchronize(self.device)
        self._start = time.perf_counter()
        self.calls.append(tuple(args[0].shape))

    def _post(self, module, args, output):
        synchronize(self.device)
        self.seconds += time.perf_counter() - self._start

    def reset(self) -> None:
        self.seconds, self.calls = 0.0, []


def autocast(device: torch.device, enabled: bool):
    return torch.autocast(
        device_type=device.type, dtype=torch.float16, enabled=enabled)


# ---------------------------------------------------------------------------
# the three parts


def bench_inference(models: dict, clips: torch.Tensor, args,
                    device: torch.device) -> dict:
    """(a): forward passes of TDMI and the single-frame model."""
    batch_size, num_frames = clips.shape[:2]
    key_frames = clips[:, num_frames // 2].contiguous()
    all_frames = clips.flatten(0, 1).contiguous()
    if args.channels_last:
        key_frames = key_frames.to(memory_format=torch.channels_last)
        all_frames = all_frames.to(memory_format=torch.channels_last)
    tdmi, hrnet = models['tdmi'], models['hrnet']
    timer = BackboneTimer(tdmi.backbone, device)

    def forward(model, inputs):
        with torch.no_grad(), autocast(device, args.amp):
            return model(inputs, None, mode='tensor')

    inputs = dict(tdmi=clips, hrnet=key_frames, hrnet_all_frames=all_frames)
    crops = dict(
        tdmi=batch_size,
        hrnet=batch_size,
        hrnet_all_frames=batch_size * num_frames)
    cases = [
        dict(
            name='tdmi',
            label=f'TDMI T={num_frames}, input {tuple(clips.shape)}',
            fn=lambda: forward(tdmi, clips)),
        dict(
            name='hrnet',
            label=f'HRNet-W48 single-frame, input {tuple(key_frames.shape)}',
            fn=lambda: forward(hrnet, key_frames)),
        dict(
            name='hrnet_all_frames',
            label='HRNet-W48 single-frame on all B*T frames, input '
            f'{tuple(all_frames.shape)}',
            fn=lambda: forward(hrnet, all_frames)),
    ]
    tdmi.eval()
    hrnet.eval()
    results = run_cases(cases, args, device, 'inference', on_timed=timer.reset)
    for name, result in results.items():
        model = tdmi if name == 'tdmi' else hrnet
        params = tensors_mib(model.parameters())
        result.update(
            input_shape=list(inputs[name].shape),
            person_crops=crops[name],
            person_crops_per_s=crops[name] / result['median_s'],
            params_mib=params,
            peak_memory_mib=None if result['peak_rise_mib'] is None else
            params + result['peak_rise_mib'])
    results['tdmi'].update(
        backbone_calls_per_forward=len(timer.calls) / args.iters,
        backbone_input_shape=list(timer.calls[0]),
        backbone_s_per_forward=timer.seconds / args.iters,
        backbone_share=timer.seconds / sum(results['tdmi']['seconds']))
    tdmi_s = results['tdmi']['median_s']
    results['ratio_vs_T_single_frame_passes'] = tdmi_s / (
        num_frames * results['hrnet']['median_s'])
    results['ratio_vs_single_frame_on_all_frames'] = (
        tdmi_s / results['hrnet_all_frames']['median_s'])
    return results


def bench_training(models: dict, clips: torch.Tensor, args,
                   device: torch.device, num_keypoints: int) -> dict:
    """(b): training iterations of TDMI (frozen backbone) and of the
    single-frame model."""
    from mmengine.optim import build_optim_wrapper
    batch_size, num_frames = clips.shape[:2]
    key = num_frames // 2
    heatmap_hw = (clips.shape[-2] // 4, clips.shape[-1] // 4)
    samples = fake_data_samples(batch_size, num_keypoints, heatmap_hw, key,
                                device)
    key_frames = clips[:, key].contiguous()
    if args.channels_last:
        key_frames = key_frames.to(memory_format=torch.channels_last)
    inputs = dict(tdmi=clips, hrnet=key_frames)
    wrappers, losses, cases = {}, {}, []
    for name, label in (('tdmi', f'TDMI T={num_frames} (frozen backbone)'),
                        ('hrnet', 'HRNet-W48 single-frame')):
        model = models[name]
        model.train()
        wrapper_cfg = dict(
            type='AmpOptimWrapper' if args.amp else 'OptimWrapper',
            optimizer=dict(type='Adam', lr=1e-3))
        if args.amp:
            wrapper_cfg['loss_scale'] = 'dynamic'
        wrappers[name] = build_optim_wrapper(model, wrapper_cfg)
        losses[name] = []

        def step(model=model, name=name):
            optim_wrapper = wrappers[name]
            with optim_wrapper.optim_context(model):
                loss_dict = model.loss(inputs[name], samples)
            loss, log_vars = model.parse_losses(loss_dict)
            optim_wrapper.update_params(loss)
            losses[name].append({
                k: float(v.detach())
                for k, v in log_vars.items()
            })

        cases.append(
            dict(
                name=name,
                label=f'{label}, input {tuple(inputs[name].shape)}',
                fn=step))
    results = run_cases(cases, args, device, 'training')
    for name, result in results.items():
        model, optim_wrapper = models[name], wrappers[name]
        trainable = [p for p in model.parameters() if p.requires_grad]
        # weights and optimizer state (allocated by the first step) persist
        # between iterations; the peak rise is what one iteration adds
        state = tensors_mib(model.parameters()) + tensors_mib(
            t for s in optim_wrapper.optimizer.state.values()
            for t in s.values())
        result.update(
            input_shape=list(inputs[name].shape),
            trainable_params_m=sum(p.numel() for p in trainable) / 1e6,
            iters_per_s=1 / result['median_s'],
            person_crops_per_s=batch_size / result['median_s'],
            state_mib=state,
            peak_memory_mib=None if result['peak_rise_mib'] is None else
            state + result['peak_rise_mib'],
            memory_method=PeakMemory.method(device),
            last_losses=losses[name][-1],
            losses_finite=all(
                all(map(math.isfinite, d.values())) for d in losses[name]))
        optim_wrapper.zero_grad()
    results['ratio_vs_T_single_frame_iterations'] = (
        results['tdmi']['median_s'] /
        (num_frames * results['hrnet']['median_s']))
    return results


def bench_pipeline(args, num_frames: int) -> dict:
    from tdmi_mmpose.datasets.pipeline_benchmark import run
    tmp_dir = None
    data_root = args.data_root
    if data_root is None:
        from tdmi_mmpose.synthetic import make_sample_posetrack
        tmp_dir = tempfile.TemporaryDirectory()
        data_root = tmp_dir.name + '/'
        log('[pipeline] generating the synthetic sample data')
        make_sample_posetrack(data_root, seed=0)
    half = num_frames // 2
    pipeline_args = argparse.Namespace(
        config=args.config,
        phase='train',
        num_samples=args.pipeline_samples,
        rounds=args.pipeline_rounds,
        warmup=min(5, args.pipeline_samples),
        offsets=list(range(-half, half + 1)),
        seed=args.seed,
        cfg_options=dict(data_root=data_root))
    log(f'[pipeline] train pipeline of {osp.basename(args.config)}, '
        f'{args.pipeline_samples} samples x {args.pipeline_rounds} rounds')
    try:
        report = run(pipeline_args)
    finally:
        if tmp_dir is not None:
            tmp_dir.cleanup()
    results = report['results']
    multi, single = results[f'T={num_frames}'], results['T=1']
    report['ratio_vs_T_single_frame_pipelines'] = multi['ms_per_sample'] / (
        num_frames * single['ms_per_sample'])
    report['data_root'] = args.data_root or '(synthetic sample data)'
    return report


# ---------------------------------------------------------------------------


def machine_info(device: torch.device) -> dict:
    info = dict(
        platform=platform.platform(),
        processor=platform.processor() or platform.machine(),
        cpu_count=os.cpu_count(),
        torch_threads=torch.get_num_threads(),
        python=platform.python_version(),
        torch=torch.__version__,
        device=str(device),
        load_avg_1min_before=os.getloadavg()[0]
        if hasattr(os, 'getloadavg') else None)
    if device.type == 'cuda':
        info['gpu'] = torch.cuda.get_device_name(device)
        info['cuda'] = torch.version.cuda
    try:
        import mmcv
        import mmengine
        import mmpose
        info.update(
            mmcv=mmcv.__version__,
            mmengine=mmengine.__version__,
            mmpose=mmpose.__version__)
    except ImportError:  # pragma: no cover
        pass
    return info


def run(args: argparse.Namespace) -> dict:
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import tdmi_mmpose  # noqa: F401  (registers the components)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    init_default_scope('mmpose')
    tdmi_cfg = Config.fromfile(args.config)
    baseline_path = baseline_config_path(args.baseline_config)
    baseline_cfg = Config.fromfile(baseline_path)
    width, height = args.input_size or tdmi_cfg.codec['input_size']
    neck = tdmi_cfg.model.get('neck') or []
    neck = neck if isinstance(neck, (list, tuple)) else [neck]
    num_frames = next((n['num_frames'] for n in neck if 'num_frames' in n),
                      len(tdmi_cfg.get('frame_offsets', [0] * 5)))
    num_keypoints = tdmi_cfg.model.head.out_channels
    report = dict(
        config=osp.relpath(args.config, ROOT)
        if args.config.startswith(ROOT) else args.config,
        baseline_config=baseline_path,
        settings=dict(
            batch_size=args.batch_size,
            num_frames=num_frames,
            input_size_wh=[width, height],
            iters=args.iters,
            warmup=args.warmup,
            amp=args.amp,
            channels_last=args.channels_last,
            compile=args.compile,
            parts=args.parts,
            command=' '.join(['python', 'tools/analysis/benchmark.py'] +
                             args.argv)),
        machine=machine_info(device))
    log(f'Benchmark on {device} ({report["machine"]["processor"]}, '
        f'{report["machine"]["cpu_count"]} CPUs, torch '
        f'{torch.__version__}): batch {args.batch_size}, T={num_frames}, '
        f'{height}x{width} crops')

    if 'inference' in args.parts or 'training' in args.parts:
        models = dict(
            tdmi=build_model(tdmi_cfg.model, device, args.channels_last,
                             args.compile),
            hrnet=build_model(baseline_cfg.model, device, args.channels_last,
                              args.compile))
        generator = torch.Generator().manual_seed(args.seed)
        clips = torch.randn(
            args.batch_size, num_frames, 3, height, width,
            generator=generator).to(device)
        if 'inference' in args.parts:
            report['inference'] = bench_inference(models, clips, args, device)
        if 'training' in args.parts:
            report['training'] = bench_training(models, clips, args, device,
                                                num_keypoints)
        del models
    if 'pipeline' in args.parts:
        report['pipeline'] = bench_pipeline(args, num_frames)
    report['targets'] = check_targets(report)
    report['machine']['load_avg_1min_after'] = os.getloadavg()[0] if hasattr(
        os, 'getloadavg') else None
    return report


def check_targets(report: dict) -> dict:
    values = dict(
        inference=report.get('inference',
                             {}).get('ratio_vs_T_single_frame_passes'),
        training=report.get('training',
                            {}).get('ratio_vs_T_single_frame_iterations'),
        pipeline=report.get('pipeline',
                            {}).get('ratio_vs_T_single_frame_pipelines'))
    texts = dict(
        inference='TDMI inference <= 1.15 x T single-frame passes',
        training='TDMI training iteration < T x single-frame iteration',
        pipeline='T=5 pipeline <= T x T=1 pipeline per sample')
    targets = {}
    for name, value in values.items():
        if value is None:
            continue
        limit = TARGETS[name]
        met = value <= limit if name != 'training' else value < limit
        targets[name] = dict(
            target=texts[name], ratio=value, limit=limit, met=bool(met))
    return targets


def _mib(value: Optional[float]) -> str:
    return '-' if value is None else f'{value:.0f}'


def format_table(report: dict) -> str:
    s = report['settings']
    t = s['num_frames']
    gpu = report['machine'].get('gpu')
    lines = [
        f'device: {report["machine"]["device"]}'
        f'{f" ({gpu})" if gpu else ""}, '
        f'batch {s["batch_size"]} person crops, T={t}, '
        f'{s["input_size_wh"][1]}x{s["input_size_wh"][0]}, '
        f'median of {s["iters"]} (warm-up {s["warmup"]})'
        f'{", AMP fp16" if s["amp"] else ""}'
        f'{", channels-last" if s["channels_last"] else ""}'
        f'{", compiled" if s["compile"] else ""}'
    ]
    inference = report.get('inference')
    if inference:
        lines += [
            '', '(a) inference', f'{"model":<34}{"input":<24}{"s/batch":>9}'
            f'{"crops/s":>9}{"peak MiB":>10}'
        ]
        for name, label in (('tdmi', f'TDMI T={t}'),
                            ('hrnet', 'HRNet-W48 single-frame'),
                            ('hrnet_all_frames',
                             'HRNet-W48 on all B*T frames')):
            r = inference[name]
            lines.append(f'{label:<34}{str(tuple(r["input_shape"])):<24}'
                         f'{r["median_s"]:>9.3f}'
                         f'{r["person_crops_per_s"]:>9.2f}'
                         f'{_mib(r["peak_memory_mib"]):>10}')
        r = inference['tdmi']
        lines += [
            f'TDMI backbone: {r["backbone_calls_per_forward"]:g} call per '
            f'forward on {tuple(r["backbone_input_shape"])}, '
            f'{100 * r["backbone_share"]:.1f} % of the time',
            f'TDMI time / (T x single-frame time): '
            f'{inference["ratio_vs_T_single_frame_passes"]:.3f}',
            f'TDMI time / single-frame time on the B*T frames: '
            f'{inference["ratio_vs_single_frame_on_all_frames"]:.3f}'
        ]
    training = report.get('training')
    if training:
        lines += [
            '', '(b) training iteration (loss, backward, Adam)',
            f'{"model":<34}{"trainable M":>12}{"s/iter":>9}{"it/s":>8}'
            f'{"peak MiB":>10}'
        ]
        for name, label in (('tdmi', f'TDMI T={t} (frozen backbone)'),
                            ('hrnet', 'HRNet-W48 single-frame')):
            r = training[name]
            lines.append(f'{label:<34}{r["trainable_params_m"]:>12.2f}'
                         f'{r["median_s"]:>9.3f}{r["iters_per_s"]:>8.3f}'
                         f'{_mib(r["peak_memory_mib"]):>10}')
        lines += [
            'peak MiB: weights + optimizer state + the rise of one '
            f'iteration ({training["tdmi"]["memory_method"]})',
            f'TDMI iteration / (T x single-frame iteration): '
            f'{training["ratio_vs_T_single_frame_iterations"]:.3f}'
        ]
    pipeline = report.get('pipeline')
    if pipeline:
        lines += [
            '', f'(c) data pipeline ({pipeline["phase"]}, '
            f'{pipeline["num_samples"]} samples x {pipeline["rounds"]} '
            'rounds, main process)',
            f'{"setting":<10}{"inputs":<22}{"samples/s":>10}'
            f'{"ms/sample":>11}'
        ]
        for name, r in pipeline['results'].items():
            lines.append(f'{name:<10}{str(tuple(r["inputs_shape"])):<22}'
                         f'{r["samples_per_s"]:>10.1f}'
                         f'{r["ms_per_sample"]:>11.2f}')
        lines.append(f'T={t} ms/sample / (T x T=1 ms/sample): '
                     f'{pipeline["ratio_vs_T_single_frame_pipelines"]:.3f}')
    if report.get('targets'):
        lines += ['', 'targets']
        for r in report['targets'].values():
            lines.append(f'  [{"met" if r["met"] else "NOT met"}] '
                         f'{r["target"]}: {r["ratio"]:.3f}')
    m = report['machine']
    lines.append(f'machine: {m["processor"]}, {m["cpu_count"]} CPUs '
                 f'({m["torch_threads"]} torch threads), torch {m["torch"]}'
                 f', 1-min load average {m["load_avg_1min_before"]} before, '
                 f'{m.get("load_avg_1min_after")} after')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    report = run(args)
    print()
    print(format_table(report))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=2)
        log(f'report written to {args.json}')
    return report


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
