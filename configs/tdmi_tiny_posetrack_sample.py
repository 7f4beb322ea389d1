# Small CPU smoke config: the whole TDMI model (multi-stage HRNet, TDE with
# DCN v2, RDM, MI loss, flip test, PoseTrack AP on detected boxes), shrunk
# so that it trains in minutes on 2 CPU cores on the bundled sample data:
#   python tools/dataset_converters/make_sample_posetrack.py \
#       --out-dir data/posetrack_sample
#   mim train tdmi_mmpose configs/tdmi_tiny_posetrack_sample.py \
#       --cfg-options data_root=data/posetrack_sample/
# The backbone is randomly initialised and trained (no pretrained weights
# exist offline), so its numbers say nothing about TDMI's accuracy.
_base_ = [
    './_base_/default_runtime.py', './_base_/schedules/adam_20e.py',
    './_base_/datasets/posetrack18_video.py',
    './_base_/models/tdmi_hrnet_w48.py'
]

data_root = 'data/posetrack_sample/'
feat_channels = 16
codec = dict(
    type='MSRAHeatmap', input_size=(96, 128), heatmap_size=(24, 32), sigma=2)

# 30 short epochs (5 iterations of 8 clips): about 2.5 minutes on 2 CPU
# cores, Adam at the SPEC's lr 1e-3. Its accuracy is not quoted anywhere:
# one run on 5 synthetic videos checks the pipeline (docs/ablation.md has
# seeded numbers on controlled video).
train_cfg = dict(max_epochs=30, val_interval=10)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=30,
        by_epoch=True,
        milestones=[25],
        gamma=0.1),
]
auto_scale_lr = dict(base_batch_size=8)
default_hooks = dict(logger=dict(interval=2))

model = dict(
    backbone=dict(
        frozen=False,
        init_cfg=None,
        extra=dict(
            stage1=dict(num_blocks=(1, ), num_channels=(16, )),
            stage2=dict(num_blocks=(1, 1), num_channels=(16, 32)),
            stage3=dict(
                num_modules=1, num_blocks=(1, 1, 1),
                num_channels=(16, 32, 64)),
            stage4=dict(
                num_modules=1,
                num_blocks=(1, 1, 1, 1),
                num_channels=(16, 32, 64, 128)))),
    neck=[
        dict(
            type='TemporalDifferenceEncoder',
            in_channels=feat_channels,
            num_blocks=(1, 1, 1, 1),
            deform_groups=4),
        dict(
            type='RepresentationDisentanglement',
            in_channels=feat_channels,
            hidden_channels=32,
            num_aggregation_blocks=1),
    ],
    head=dict(in_channels=feat_channels, decoder=codec),
    mi_loss=dict(in_channels=feat_channels))

# The base pipelines with this codec's sizes.
_resized = dict(
    TopdownAffine=dict(input_size=codec['input_size']),
    GenerateTarget=dict(encoder=codec))
train_pipeline = [
    dict(step, **_resized.get(step['type'], {}))
    for step in _base_.train_pipeline
]
val_pipeline = [
    dict(step, **_resized.get(step['type'], {}))
    for step in _base_.val_pipeline
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        bbox_file=data_root + 'person_detections/val_human_detections.json',
        pipeline=val_pipeline))
test_dataloader = val_dataloader
# AP and poseval's MOTA of the PoseTracker's ids (docs/tracking.md)
val_evaluator = dict(ann_file=data_root + 'annotations/val/', track=True)
test_evaluator = val_evaluator
