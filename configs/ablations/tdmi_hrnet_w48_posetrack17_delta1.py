# Ablation: delta = 1, i.e. frames [t-1, t, t+1].
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

frame_offsets = [-1, 0, 1]
model = dict(neck=[
    dict(_base_.model.neck[0], num_frames=3), _base_.model.neck[1]
])
train_dataloader = dict(dataset=dict(frame_offsets=frame_offsets))
val_dataloader = dict(dataset=dict(frame_offsets=frame_offsets))
test_dataloader = val_dataloader
