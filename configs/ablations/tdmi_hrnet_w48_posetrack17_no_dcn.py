# Ablation: plain 3x3 convolutions instead of DCN v2 in the TDE.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(neck=[
    dict(_base_.model.neck[0], use_dcn=False), _base_.model.neck[1]
])
