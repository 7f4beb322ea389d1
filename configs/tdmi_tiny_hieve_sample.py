# Small CPU smoke config for HiEve: the tiny TDMI model of
# tdmi_tiny_posetrack_sample.py with 14 HiEve keypoints, on the synthetic
# HiEve-layout sample (videos + both label layouts) after conversion:
#   python tools/dataset_converters/make_sample_hieve.py \
#       --out-dir data/hieve_sample_raw
#   python tools/dataset_converters/hieve_to_posetrack18.py \
#       data/hieve_sample --videos data/hieve_sample_raw/videos/train \
#       --labels "data/hieve_sample_raw/labels/train/track2&3" --val-videos 3
#   mim train tdmi_mmpose configs/tdmi_tiny_hieve_sample.py
# Validation: CocoMetric (OKS AP, HiEve sigmas) on the held-out video 3 with
# GT boxes; not HiEve's official w_AP. The numbers say nothing about
# accuracy (random init, synthetic stick figures).
_base_ = ['./tdmi_tiny_posetrack_sample.py']

data_root = 'data/hieve_sample/'
metainfo = dict(from_file='{{fileDirname}}/_base_/datasets/hieve.py')

train_cfg = dict(max_epochs=20, val_interval=10)
param_scheduler = [
    dict(_base_.param_scheduler[0], end=20, milestones=[15])
]
model = dict(head=dict(out_channels=14))
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
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
