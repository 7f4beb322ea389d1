# The "pose-pretrained backbone" of the frozen recipe at small scale
# (configs/tdmi_tiny_irrelevant_motion.py, docs/ablation.md): the tiny
# single-frame model (backbone + heatmap head on the key frame, no neck, no
# MI loss), trained from scratch on its own controlled videos (another seed,
# more videos, every frame labelled, no hidden joints: the analogue of a
# still-image pose dataset) and tested on the study's val videos:
#   python tools/dataset_converters/make_sample_posetrack.py \
#       --out-dir data/irrelevant_motion_pretrain --seed 1 \
#       --num-videos 30 0 --frames-per-video 16 --label-step 1 \
#       --pan-speed 4 --moving-objects 4 --passer-by --blur-prob 0.3
#   mim train tdmi_mmpose configs/tdmi_tiny_single_frame_pretrain.py
# Its checkpoint is the `backbone_checkpoint` of the frozen configs.
_base_ = ['./tdmi_tiny_occluded_video.py']

# train on the pretraining videos, test on the study's val videos
data_root = 'data/irrelevant_motion_pretrain/'
val_data_root = 'data/irrelevant_motion/'
# the key frame only (the clip, given to every component)
frame_offsets = [0]
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(
    dataset=dict(
        data_root=val_data_root,
        bbox_file=val_data_root +
        'person_detections/val_human_detections.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=val_data_root + 'annotations/val/')
test_evaluator = val_evaluator

model = dict(neck=None, mi_loss=None)

# 12 epochs, lr x0.1 for the last two
max_epochs = 12
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(_base_.param_scheduler[0], end=max_epochs, milestones=[10])
]
