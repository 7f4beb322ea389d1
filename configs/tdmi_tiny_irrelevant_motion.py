# TDMI in the paper's recipe at small scale, on controlled video with
# irrelevant motion (the study of docs/ablation.md, "The frozen recipe"):
# the tiny model of configs/tdmi_tiny_occluded_video.py with its backbone
# pose-pretrained (configs/tdmi_tiny_single_frame_pretrain.py), loaded
# through the backbone's `Pretrained` init_cfg as in the W48 configs, and
# frozen. The videos have a fast camera pan, moving textured objects, an
# unannotated passer-by inside the person's crop, motion blur and joints
# hidden per frame:
#   python tools/dataset_converters/make_sample_posetrack.py \
#       --out-dir data/irrelevant_motion --num-videos 12 6 \
#       --frames-per-video 16 --pan-speed 4 --moving-objects 4 \
#       --passer-by --blur-prob 0.3 --occlusion-prob 0.35
#   mim train tdmi_mmpose configs/tdmi_tiny_irrelevant_motion.py \
#       --cfg-options backbone_checkpoint=PRETRAINED.pth
# (tools/analysis/ablation_study.py does all of it for the study).
# Synthetic data and a tiny model: its numbers show sensitivities, not
# TDMI results.
_base_ = ['./tdmi_tiny_occluded_video.py']

data_root = 'data/irrelevant_motion/'
# the single-frame model of configs/tdmi_tiny_single_frame_pretrain.py
backbone_checkpoint = 'work_dirs/tdmi_tiny_single_frame_pretrain/epoch_12.pth'
# (paths are resolved when a config is parsed: re-derive the inherited ones)
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        bbox_file=data_root + 'person_detections/val_human_detections.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/val/')
test_evaluator = val_evaluator

# 8 epochs of 22 iterations (batch 8), lr x0.1 for the last one
max_epochs = 8
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(_base_.param_scheduler[0], end=max_epochs, milestones=[max_epochs - 1])
]

model = dict(
    backbone=dict(
        frozen=True,
        norm_eval=True,
        init_cfg=dict(
            _delete_=True, type='Pretrained',
            checkpoint=backbone_checkpoint)))
