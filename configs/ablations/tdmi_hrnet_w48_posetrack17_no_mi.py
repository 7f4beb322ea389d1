# Ablation: RDM without the mutual-information (and complementarity) loss.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(mi_loss=None)
