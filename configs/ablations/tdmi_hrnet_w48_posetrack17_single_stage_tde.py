# Ablation: the TDE uses the last HRNet stage only (no multi-stage cascade).
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(neck=[
    dict(_base_.model.neck[0], stages=(3, )), _base_.model.neck[1]
])
