# HiEve after conversion to the PoseTrack18 layout
# (tools/dataset_converters/hieve_to_posetrack18.py; docs/datasets.md):
# 14 HiEve keypoints (metainfo ./hieve.py), the PoseTrack18 video pipeline.
# Training on annotations/train/; validation on the train videos held out
# with the converter's `--val-videos` (annotations/val/), on GT person boxes,
# with mmpose's CocoMetric (OKS AP with the HiEve sigmas) against
# annotations/val_coco.json. That AP is a local check, not HiEve's official
# w_AP (computed by the organisers' server; see tools/hieve_submission.py).
_base_ = ['./posetrack18_video.py']

data_root = 'data/hieve/'
metainfo = dict(from_file='{{fileDirname}}/hieve.py')

train_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        ann_file='annotations/train/'))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        ann_file='annotations/val/',
        bbox_file=None))
test_dataloader = val_dataloader

val_evaluator = dict(
    _delete_=True,
    type='CocoMetric',
    ann_file=data_root + 'annotations/val_coco.json')
test_evaluator = val_evaluator
