# TDMI with HRNet-W48 on PoseTrack2017 val (SPEC 2-4), 384x288, delta=2.
_base_ = [
    './_base_/default_runtime.py', './_base_/schedules/adam_20e.py',
    './_base_/datasets/posetrack17_video.py',
    './_base_/models/tdmi_hrnet_w48.py'
]

model = dict(head=dict(decoder=_base_.codec))
