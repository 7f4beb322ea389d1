# The MI loss's gradient routing on the occluded-joint data of
# occluded_video.py (backbone trained from scratch, no irrelevant motion):
# TDE + RDM against the full model with each routing, five seeds (the
# spread there was large). Same data, base config and shared options as
# occluded_video.py:
#   python tools/analysis/ablation_study.py \
#       configs/ablation_studies/occluded_video_mi_routing.py \
#       --work-dir DIR --jobs 2
_base_ = ['./occluded_video.py']
base_config = '../tdmi_tiny_occluded_video.py'
seeds = [0, 1, 2, 3, 4]

variants = dict(
    _delete_=True,
    tde_rdm={'model.mi_loss': None},
    full_attention={'model.neck.1.mi_gradient': 'attention'},
    full_all={'model.neck.1.mi_gradient': 'all'},
)
