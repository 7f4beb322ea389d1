# TDMI with HRNet-W48 on HiEve (the paper's fourth benchmark), 384x288,
# delta=2, 14 HiEve keypoints. Data: docs/datasets.md, "HiEve".
# Local validation: the held-out train videos (converter `--val-videos`),
# OKS AP (not the official w_AP). Test videos and the challenge submission:
# docs/datasets.md and tools/hieve_submission.py.
_base_ = [
    './_base_/default_runtime.py', './_base_/schedules/adam_20e.py',
    './_base_/datasets/hieve_video.py', './_base_/models/tdmi_hrnet_w48.py'
]

num_keypoints = 14
model = dict(
    head=dict(out_channels=num_keypoints, decoder=_base_.codec))
# mmpose's CocoMetric saves the best checkpoint by its AP
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
