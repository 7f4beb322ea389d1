# The small TDMI model of configs/tdmi_tiny_posetrack_sample.py on
# controlled occluded video (the data of docs/ablation.md): every joint is
# hidden in a frame with probability 0.35, independently per frame, so
# neighbouring frames show what the key frame hides. Generate the data with
#   python tools/dataset_converters/make_sample_posetrack.py \
#       --out-dir data/occluded_video --num-videos 10 4 \
#       --frames-per-video 16 --occlusion-prob 0.35
# and train with
#   mim train tdmi_mmpose configs/tdmi_tiny_occluded_video.py
# (tools/analysis/ablation_study.py does both for the study). Synthetic
# data and a tiny model: its numbers show sensitivities, not TDMI results.
_base_ = ['./tdmi_tiny_posetrack_sample.py']

data_root = 'data/occluded_video/'
# (paths are resolved when a config is parsed: re-derive the inherited ones)
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        bbox_file=data_root + 'person_detections/val_human_detections.json'))
test_dataloader = val_dataloader
# AP only: the ablation study's runs (reused while their resolved config is
# unchanged) do not track
val_evaluator = dict(
    _delete_=True,
    type='PoseTrackAPMetric',
    ann_file=data_root + 'annotations/val/')
test_evaluator = val_evaluator

# 6 epochs of 18 iterations (batch 8), lr x0.1 for the
# last one.
max_epochs = 6
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(_base_.param_scheduler[0], end=max_epochs, milestones=[max_epochs - 1])
]
