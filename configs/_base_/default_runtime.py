# Runtime shared by every tdmi_mmpose config.
# Registers tdmi_mmpose's components (scope `mmpose`) in any process that
# reads the config: tools/train.py, mim, MMPoseInferencer, a user's own
# config that inherits ours.
custom_imports = dict(imports=['tdmi_mmpose'], allow_failed_imports=False)
default_scope = 'mmpose'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        save_best='posetrack/Total',
        rule='greater',
        max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='PoseVisualizationHook', enable=False),
    # distributed runs: average the BN statistics of the ranks at the end of
    # every epoch, so that validation and checkpoints see the same model on
    # every rank (a no-op in a single process)
    sync_buffers=dict(type='SyncBuffersHook'),
)

# SyncBatchNorm in distributed training (CUDA only): 'torch' or 'mmcv',
# e.g. `--cfg-options sync_bn=torch`.
sync_bn = None

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(
    type='PoseLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(
    type='LogProcessor', window_size=50, by_epoch=True, num_digits=6)
log_level = 'INFO'
load_from = None
resume = False
backend_args = dict(backend='local')
