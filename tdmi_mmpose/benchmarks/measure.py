# Copyright (c) tdmi_mmpose contributors.
"""How the benchmarks measure: interleaved timed rounds, the rise of peak
memory, time spent in one module, and the machine they ran on."""
import functools
import os
import platform
import statistics
import time
from typing import Callable, Dict, List, Optional

import torch

#: Print a progress line, flushed at once.
log = functools.partial(print, flush=True)


def synchronize(device: torch.device) -> None:
    """Wait for the device's queued work (CUDA); nothing on the CPU."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def _read_status_kib(field: str) -> Optional[int]:
    """A ``/proc/self/status`` field in KiB (None where there is none)."""
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
    inside the context runs, in MiB (:attr:`mib`; ``None`` on a CPU without
    Linux's ``/proc``), measured as :meth:`method` says.

    Args:
        device (torch.device): The device the models run on.
    """

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.mib: Optional[float] = None

    @staticmethod
    def method(device: torch.device) -> str:
        """str: How :class:`PeakMemory` measures on ``device`` (the CPU's
        peak is reset on entry through ``/proc/self/clear_refs``)."""
        if device.type == 'cuda':
            return ('torch.cuda.max_memory_allocated - memory_allocated '
                    'before')
        return 'peak RSS (VmHWM) - RSS before'

    def __enter__(self) -> 'PeakMemory':
        self._start = None
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
                pass
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
    sizes = {id(t): t.numel() * t.element_size() for t in tensors
             if isinstance(t, torch.Tensor)}
    return sum(sizes.values()) / 2**20


def _timed_call(fn: Callable[[], object], device: torch.device) -> float:
    """Seconds of one call, the device synchronised around it."""
    synchronize(device)
    start = time.perf_counter()
    fn()
    synchronize(device)
    return time.perf_counter() - start


def run_cases(cases: List[dict], iters: int, warmup: int,
              device: torch.device, section: str,
              on_timed: Optional[Callable[[], None]] = None
              ) -> Dict[str, dict]:
    """Warm up every case, measure the memory of one call of each, then
    time ``iters`` rounds, each case once in turn per round (a change of
    load hits all cases alike).

    Args:
        cases (list[dict]): ``name``, ``label`` and ``fn`` (no arguments).
        iters (int): Timed rounds.
        warmup (int): Untimed calls of each case first.
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
        for i in range(warmup):
            log(f'  warm-up {i + 1}/{warmup}: '
                f'{_timed_call(case["fn"], device):.3f} s')
        with PeakMemory(device) as memory:
            case['fn']()
        results[case['name']]['peak_rise_mib'] = memory.mib
    if on_timed is not None:
        on_timed()
    for i in range(iters):
        for case in cases:
            results[case['name']]['seconds'].append(
                _timed_call(case['fn'], device))
        times = [f'{name} {result["seconds"][-1]:.3f} s'
                 for name, result in results.items()]
        log(f'  [{section}] round {i + 1}/{iters}: ' + ', '.join(times))
    for result in results.values():
        result['median_s'] = statistics.median(result['seconds'])
    return results


class ModuleTimer:
    """Wall time spent in ``module``'s forward (forward hooks), and the
    input shapes it was called with.

    Args:
        module (torch.nn.Module): The module, e.g. a backbone.
        device (torch.device): Synchronised around each call.
    """

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
        """Forget what was measured so far."""
        self.seconds, self.calls = 0.0, []


def load_average() -> Optional[float]:
    """The 1-minute load average, where the OS reports one."""
    return os.getloadavg()[0] if hasattr(os, 'getloadavg') else None


def machine_info(device: torch.device) -> dict:
    """The machine and software a benchmark on ``device`` ran on: platform,
    processor, CPUs, torch threads, versions (Python, torch, mmcv, mmengine,
    mmpose), the device (and GPU), the load average before the run."""
    import mmcv
    import mmengine
    import mmpose
    info = dict(
        platform=platform.platform(),
        processor=platform.processor() or platform.machine(),
        cpu_count=os.cpu_count(), torch_threads=torch.get_num_threads(),
        python=platform.python_version(), torch=torch.__version__,
        mmcv=mmcv.__version__, mmengine=mmengine.__version__,
        mmpose=mmpose.__version__, device=str(device),
        load_avg_1min_before=load_average())
    if device.type == 'cuda':
        info['gpu'] = torch.cuda.get_device_name(device)
        info['cuda'] = torch.version.cuda
    return info
