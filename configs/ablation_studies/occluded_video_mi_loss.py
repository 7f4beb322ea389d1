# The MI-loss study of docs/ablation.md and docs/model.md: the shipped model
# against the MI loss's gradient routing before the fix and against lower
# MI/consistency weights, with TDE + RDM (no MI) as the reference. Same data,
# base config and shared options as occluded_video.py, so the runs that both
# studies have (tde_rdm, full) are shared in one --work-dir:
#   python tools/analysis/ablation_study.py \
#       configs/ablation_studies/occluded_video_mi_loss.py --work-dir DIR
_base_ = ['./occluded_video.py']

variants = dict(
    _delete_=True,
    tde_rdm={'model.mi_loss': None},
    full={},
    # the MI loss as it was before the fix: its gradient reaches M_t, the
    # TDE and the backbone (docs/model.md, "The MI loss")
    full_mi_grad_all={'model.neck.1.mi_gradient': 'all'},
    # the MI and consistency terms at 1/100 of their weight: on the RDM
    # attention their gradients are ~800x the heatmap loss's at the defaults
    # (tools/analysis/mi_gradient_probe.py, docs/model.md)
    full_low_mi_weights={
        'model.mi_loss.loss_weight': 0.01,
        'model.mi_loss.con_weight': 0.01,
    },
)
