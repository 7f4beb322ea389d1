# Copyright (c) tdmi_mmpose contributors.
"""End-to-end video benchmark: generated videos of N walking people through
``VideoPose2DInferencer`` (given boxes, tracking, a rendered ``.mp4``, the
JSON predictions), the same random network on PyTorch eager and on ONNX
Runtime in turn, round after round (docs/benchmarks.md)."""
import os
import os.path as osp
import shutil
import statistics
import tempfile
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Tuple

import numpy as np
import torch

from ..apis import VideoPose2DInferencer, use_onnx_file
from ..deployment import (build_network, clip_input_shape, export_onnx,
                          machine_record, save_network_checkpoint)
from ..deployment.network_speed import eager_dcn_backend, spread
from ..io import load_config
from .measure import load_average, log
from .stage_timer import STAGE_CALLS, STAGES, StageTimer, instrument
from .video_input import write_crowd_video

#: The backends, in the order they run in each round.
BACKENDS = ('pytorch_eager', 'onnxruntime')
#: The issue's targets: ONNX Runtime frames/s over eager's, per config file.
TARGET_FPS_RATIOS = {
    'tdmi_tiny_posetrack_sample.py': 2.0,
    'tdmi_hrnet_w48_posetrack18.py': 1.3,
}


@dataclass
class VideoBenchmarkSettings:
    """What :func:`run_video_benchmark` measures.

    Attributes:
        configs (list[str]): Config files.
        num_frames (list[int]): Frames of the videos, per config.
        repeats (list[int]): Timed rounds, per config.
        num_people (list[int]): People per video. Defaults to 1, 4, 8.
        warmup (int): Untimed calls of each backend per video.
        threads (int): torch's and ONNX Runtime's intra-op threads.
        frame_size (tuple[int, int]): Video (width, height).
        seed (int): Weights and videos.
        command (str): The command line, for the record.
    """
    configs: List[str]
    num_frames: List[int]
    repeats: List[int]
    num_people: List[int] = field(default_factory=lambda: [1, 4, 8])
    warmup: int = 1
    threads: int = 1
    frame_size: Tuple[int, int] = (640, 360)
    seed: int = 0
    command: str = ''


def instrumented_backends(config: str, checkpoint: str, onnx_file: str,
                          threads: int) -> Dict[str, tuple]:
    """``{backend: (inferencer, its stage timer)}`` of one config, in
    :data:`BACKENDS` order: eager with ``checkpoint``, ONNX Runtime with the
    same network exported as ``onnx_file`` on ``threads`` threads."""
    eager = VideoPose2DInferencer(config, checkpoint, device='cpu')
    ort = VideoPose2DInferencer(config, onnx_file, device='cpu')
    use_onnx_file(ort.model, onnx_file, num_threads=threads)
    return {name: (inferencer, instrument(inferencer))
            for name, inferencer in zip(BACKENDS, (eager, ort))}


def build_backends(config: str, work_dir: str,
                   settings: VideoBenchmarkSettings) -> Tuple[Dict, dict]:
    """A random network of one config (seed ``settings.seed``), saved and
    exported into ``work_dir``: its :func:`instrumented_backends` and facts
    for the record (``clip_shape``, ``eager_dcn_backend``)."""
    cfg = load_config(config)
    torch.manual_seed(settings.seed)
    network = build_network(cfg)
    checkpoint = osp.join(work_dir, 'model.pth')
    save_network_checkpoint(network, checkpoint)
    onnx_file = osp.join(work_dir, 'model.onnx')
    export_onnx(network, clip_input_shape(cfg), onnx_file)
    return instrumented_backends(
        config, checkpoint, onnx_file, settings.threads), dict(
            clip_shape=list(clip_input_shape(cfg)),
            eager_dcn_backend=eager_dcn_backend(network))


def run_once(inferencer, timer: StageTimer, video: str,
             boxes: List[np.ndarray], out_dir: str) -> Tuple[dict, list]:
    """One whole call on the video, rendered into an .mp4 and written as
    JSON under ``out_dir`` (emptied first): ``dict(total_s, stages_s)`` and
    per frame the keypoints (N, K, 2) and their scores (N, K)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    timer.seconds.clear()
    with timer.stage('other'):  # what no stage inside takes
        results = list(
            inferencer(
                video,
                bboxes=boxes,
                pred_out_dir=osp.join(out_dir, 'predictions'),
                vis_out_dir=osp.join(out_dir, 'poses.mp4')))
    stages = {s: timer.seconds.get(s, 0.0) for s in STAGES}
    poses = [(np.array([i['keypoints'] for i in r['predictions'][0]]),
              np.array([i['keypoint_scores'] for i in r['predictions'][0]]))
             for r in results]
    return dict(total_s=sum(stages.values()), stages_s=stages), poses


def summarize(runs: List[dict], num_frames: int) -> dict:
    """Frames/s (median over the runs, and each run's), the spread of the
    wall times and each stage's median ms per frame and share of the
    wall time."""
    totals = [run['total_s'] for run in runs]
    stages = list(runs[0]['stages_s'])
    return dict(
        fps_median=num_frames / statistics.median(totals),
        fps_runs=[round(num_frames / t, 4) for t in totals],
        wall_time=spread(totals),
        stage_ms_per_frame={
            s: 1e3 * statistics.median(r['stages_s'][s] for r in runs) /
            num_frames
            for s in stages
        },
        stage_share={
            s: statistics.median(r['stages_s'][s] / r['total_s']
                                 for r in runs)
            for s in stages
        },
        runs=runs)


def _max_difference(a: List[np.ndarray], b: List[np.ndarray]) -> float:
    assert len(a) == len(b) and all(x.shape == y.shape for x, y in zip(a, b))
    return max(float(np.abs(x - y).max()) if x.size else 0.0
               for x, y in zip(a, b))


def benchmark_video(backends: Dict, video: str, boxes: List[np.ndarray],
                    num_frames: int, repeats: int, warmup: int,
                    work_dir: str) -> dict:
    """Both backends on one video, ``warmup`` untimed rounds then
    ``repeats`` timed ones: per backend :func:`summarize`, the ratio of the
    frames/s medians (ONNX Runtime / eager) and the largest differences
    between the backends' keypoints (px) and keypoint scores."""
    runs = {name: [] for name in backends}
    poses = {}
    for round_index in range(warmup + repeats):
        for name, (inferencer, timer) in backends.items():
            run, poses[name] = run_once(inferencer, timer, video, boxes,
                                        osp.join(work_dir, name))
            run['load_avg_1min'] = load_average()
            if round_index >= warmup:
                runs[name].append(run)
            log(f'  [{name}] {"warm-up" if round_index < warmup else "run"}'
                f' {round_index + 1}: {num_frames / run["total_s"]:.2f} '
                'frames/s')
    record = {name: summarize(runs[name], num_frames) for name in backends}
    record['ratio_fps_onnxruntime_to_eager'] = (
        record['onnxruntime']['fps_median'] /
        record['pytorch_eager']['fps_median'])
    for index, what in enumerate(('max_keypoint_diff_px',
                                  'max_keypoint_score_diff')):
        record[what] = _max_difference(
            [pose[index] for pose in poses['pytorch_eager']],
            [pose[index] for pose in poses['onnxruntime']])
    return record


def _config_record(config: str, num_frames: int, repeats: int,
                   settings: VideoBenchmarkSettings, work_dir: str) -> dict:
    """Every video of one config (see :func:`run_video_benchmark`)."""
    log(f'{config}: export and build both backends')
    backends, facts = build_backends(config, work_dir, settings)
    target = TARGET_FPS_RATIOS.get(osp.basename(config))
    record = dict(config=config, num_frames=num_frames, repeats=repeats,
                  target_fps_ratio=target, videos={}, **facts)
    for num_people in settings.num_people:
        video = osp.join(work_dir, f'crowd_{num_people}.mp4')
        boxes = write_crowd_video(video, num_people, num_frames,
                                  tuple(settings.frame_size), settings.seed)
        log(f'{config}: {num_people} people, {num_frames} frames')
        result = benchmark_video(backends, video, boxes, num_frames, repeats,
                                 settings.warmup, work_dir)
        result['target_met'] = None if target is None else bool(
            result['ratio_fps_onnxruntime_to_eager'] >= target)
        record['videos'][str(num_people)] = result
    return record


def run_video_benchmark(settings: VideoBenchmarkSettings) -> dict:
    """The end-to-end benchmark of every config.

    Args:
        settings (:class:`VideoBenchmarkSettings`): What to measure.

    Returns:
        dict: ``settings``, ``stages`` (:data:`STAGE_CALLS`),
        ``machine_before`` / ``machine_after``, ``results`` (one per config:
        per number of people, per backend :func:`summarize`, the frames/s
        ratio, the target and whether it is met).
    """
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(settings.threads)
    record = dict(
        settings=asdict(settings),
        stages=STAGE_CALLS,
        machine_before=machine_record(),
        results=[])
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for index, config in enumerate(settings.configs):
                work_dir = osp.join(tmp, str(index))
                os.makedirs(work_dir)
                record['results'].append(
                    _config_record(config, settings.num_frames[index],
                                   settings.repeats[index], settings,
                                   work_dir))
    finally:
        torch.set_num_threads(previous_threads)
    record['machine_after'] = machine_record()
    return record
