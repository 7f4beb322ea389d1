# Copyright (c) tdmi_mmpose contributors.
"""Run a seeded ablation study, or redraw its report.

Every (variant, seed) run trains and tests the study's base config with the
variant's overrides, in its own process, with deterministic settings, under
``WORK_DIR/runs/``. The study's folder ``WORK_DIR/studies/<spec name>/`` gets
``study.json`` (every run's metrics, times and training
curves), ``table.md`` (mean ± std over seeds of Total and the seven joint
groups), ``curve_ends.md`` (where the training curves ended), ``chart.png``
(Total AP with error bars) and ``curves.png`` (the training curves, heatmap
loss first), ``clamp.md`` (how often the MI estimate sat at its clamp, with
an MI loss); a study with ``probe_variants`` also ``probe.md`` (the
disentanglement probe's energy shares) and, when it ran here,
``probe_<variant>.png`` (its first seed's probe picture). An interrupted
study resumes without redoing finished runs.

Examples::

    # the occluded-video study of docs/ablation.md (time: see there)
    python tools/analysis/ablation_study.py \\
        configs/ablation_studies/occluded_video.py \\
        --work-dir work_dirs/ablation_occluded_video --jobs 2
    # a subset, other seeds
    python tools/analysis/ablation_study.py SPEC --work-dir DIR \\
        --variants key_frame_only full --seeds 0 1 2 3 4
    # redraw the table and chart of a finished study
    python tools/analysis/ablation_study.py \\
        --report docs/ablation/occluded_video/study.json
"""
import argparse
import os.path as osp
import shutil
import sys

from tdmi_mmpose.analysis import (format_clamp_table, format_curve_table,
                                  format_markdown_table, format_probe_table,
                                  load_study_spec,
                                  plot_study_chart, plot_study_curves,
                                  read_study_record, run_study, study_dir,
                                  summarize_study)
from tdmi_mmpose.analysis.ablation_study import run_dir_name
from tdmi_mmpose.io import positive_int
from tdmi_mmpose.utils.atomic import atomic_output


def _write_text(path: str, text: str) -> None:
    with atomic_output(path) as tmp:
        with open(tmp, 'w') as f:
            f.write(text)


def write_report(study: dict, out_dir: str, work_dir: str = None) -> None:
    """``table.md``, ``curve_ends.md``, ``chart.png``, ``curves.png`` (and
    ``probe.md``, and from ``work_dir`` the probe pictures) of ``study`` in
    ``out_dir``."""
    rows = summarize_study(study)
    _write_text(osp.join(out_dir, 'table.md'), format_markdown_table(rows))
    _write_text(osp.join(out_dir, 'curve_ends.md'), format_curve_table(study))
    if any('loss_mi' in r.get('curves', {}) for r in study['runs']):
        _write_text(osp.join(out_dir, 'clamp.md'), format_clamp_table(study))
    if study.get('probe_variants'):
        _write_text(osp.join(out_dir, 'probe.md'), format_probe_table(study))
    for variant in study.get('probe_variants', []) if work_dir else []:
        picture = osp.join(work_dir, run_dir_name(variant, study['seeds'][0]),
                           'probe.png')
        if osp.isfile(picture):
            shutil.copyfile(picture,
                            osp.join(out_dir, f'probe_{variant}.png'))
    plot_study_chart(
        rows, osp.join(out_dir, 'chart.png'),
        title=f'{osp.basename(study["spec"])}: seeds {study["seeds"]}')
    plot_study_curves(study, osp.join(out_dir, 'curves.png'))
    print(format_markdown_table(rows))
    print(format_probe_table(study))
    print(f'report written to {out_dir}')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description='Run a seeded ablation study (or redraw its report).')
    parser.add_argument('spec', nargs='?', help='study spec file')
    parser.add_argument('--work-dir', help='the study folder')
    parser.add_argument('--variants', nargs='+', help='run only these')
    parser.add_argument('--seeds', nargs='+', type=int,
                        help='seeds instead of the spec\'s')
    parser.add_argument('--jobs', type=positive_int, default=1,
                        help='runs at a time, each on one thread (default '
                        '1; 2 on a 2-core machine)')
    parser.add_argument('--report', metavar='STUDY_JSON',
                        help='only redraw table.md and chart.png from a '
                        'study.json')
    parser.add_argument('--out-dir',
                        help='where --report writes (default: beside '
                        'STUDY_JSON)')
    args = parser.parse_args(argv)
    if args.report:
        study = read_study_record(args.report)
        write_report(study, args.out_dir or osp.dirname(args.report))
        return 0
    if not args.spec or not args.work_dir:
        parser.error('give a study spec and --work-dir (or --report)')
    spec = load_study_spec(args.spec)  # bad input: exit status 2 (run_tool)
    try:
        study = run_study(
            spec, args.work_dir, variants=args.variants, seeds=args.seeds,
            jobs=args.jobs,
            progress=lambda line: print(line, flush=True))
    except RuntimeError as err:  # a run failed (its log is named): status 1
        print(f'ablation_study: error: {err}', file=sys.stderr)
        return 1
    write_report(study, study_dir(spec, args.work_dir), args.work_dir)
    return 0


if __name__ == '__main__':
    from tdmi_mmpose.utils import run_tool
    sys.exit(run_tool(main))
