# Ablation: delta = 1, i.e. frames [t-1, t, t+1] (the clip, declared once).
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

frame_offsets = [-1, 0, 1]
