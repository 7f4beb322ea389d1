# PoseTrack2018 (PoseTrack18 JSON layout, one file per video), video top-down.
# Every path below derives from `data_root`: retarget them all with
# `--cfg-options data_root=DIR` (tools/train.py, tools/test.py, mim).
dataset_type = 'PoseTrackVideoDataset'
data_mode = 'topdown'
data_root = 'data/posetrack18/'
# The clip, declared once: time-ordered offsets of the key frame (0) and its
# supporting frames; delta = 2 (SPEC 1). tdmi_mmpose.io.load_config gives
# them to every component that takes `frame_offsets` (the datasets, the
# model) and their number T to every one that takes `num_frames` (the TDE);
# a derived config (or --cfg-options frame_offsets=[-1,0,1]) changes the
# clip with this one key.
frame_offsets = [-2, -1, 0, 1, 2]

codec = dict(
    type='MSRAHeatmap', input_size=(288, 384), heatmap_size=(72, 96), sigma=3)

# One augmentation is sampled per sample and applied to all T frames
# (mmpose's TopdownAffine/RandomFlip act on the whole list of frames).
train_pipeline = [
    dict(type='LoadVideoFrames'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='RandomFlip', direction='horizontal', prob=0.5),
    dict(type='RandomHalfBody', prob=0.3),
    # SPEC 1: rotation factor 45 (p=0.6), scale in [0.65, 1.35], no shift
    dict(
        type='RandomBBoxTransform',
        shift_prob=0.0,
        rotate_factor=45.0,
        rotate_prob=0.6,
        scale_factor=(0.65, 1.35)),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackVideoPoseInputs'),
]
val_pipeline = [
    dict(type='LoadVideoFrames'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackVideoPoseInputs'),
]

# Non-persistent train workers are restarted (and reseeded) every epoch, so
# a run resumed with `--resume` repeats the uninterrupted run's
# augmentations (ResumableEpochBasedTrainLoop); persistent ones would not.
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/train/',
        data_prefix=dict(img=''),
        pipeline=train_pipeline,
    ))
# Validation on detected person boxes (SPEC 3). `round_up=False`: no padded
# duplicates in distributed evaluation.
val_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/val/',
        data_prefix=dict(img=''),
        bbox_file=data_root + 'person_detections/val_human_detections.json',
        test_mode=True,
        pipeline=val_pipeline,
    ))
test_dataloader = val_dataloader

# AP and, with track=True, poseval's MOTA of the PoseTracker's ids (the GT
# needs track_id; see docs/tracking.md).
val_evaluator = dict(
    type='PoseTrackAPMetric',
    ann_file=data_root + 'annotations/val/',
    track=True)
test_evaluator = val_evaluator
