# PoseTrack21 (its pose annotations use the PoseTrack18 JSON layout).
# Same pipeline and layout as PoseTrack18; only the paths differ.
_base_ = ['./posetrack18_video.py']

data_root = 'data/posetrack21/'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        bbox_file=data_root + 'person_detections/val_human_detections.json'))
test_dataloader = val_dataloader
# PoseTrack21's own protocol: the official kit's AP (PosemAP) and, with
# track=True (from posetrack18_video.py), its keypoint HOTA, DetA, AssA, LocA
# (docs/metric.md). poseval's AP and MOTA instead: --cfg-options
# val_evaluator.protocol=poseval test_evaluator.protocol=poseval
val_evaluator = dict(
    ann_file=data_root + 'annotations/val/', protocol='posetrack21')
test_evaluator = val_evaluator
