# PoseTrack2017 after conversion to the PoseTrack18 layout (tools/dataset_converters/posetrack17_to_posetrack18.py).
# Same pipeline and layout as PoseTrack18; only the paths differ.
_base_ = ['./posetrack18_video.py']

data_root = 'data/posetrack17/'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        bbox_file=data_root + 'person_detections/val_human_detections.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/val/')
test_evaluator = val_evaluator
