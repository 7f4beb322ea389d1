# The MI-loss sweep of docs/ablation.md on the frozen-recipe data: both
# gradient routings with per-location sampling (SPEC 2.4's option), the MI
# weight alpha at 0.1 and 10 (1 is the main study's) and a warm-up of the
# MI and consistency terms over the first 80 iterations. Same data,
# pretraining, base config and shared options as irrelevant_motion_frozen.py
# (its runs of the three references are reused in one --work-dir), three
# seeds:
#   python tools/analysis/ablation_study.py \
#       configs/ablation_studies/irrelevant_motion_frozen_mi_sweep.py \
#       --work-dir DIR --jobs 2
_base_ = ['./irrelevant_motion_frozen.py']
base_config = '../tdmi_tiny_irrelevant_motion.py'
seeds = [0, 1, 2]
pretrain = dict(config='../tdmi_tiny_single_frame_pretrain.py')

_attention = {'model.neck.1.mi_gradient': 'attention'}
_all = {'model.neck.1.mi_gradient': 'all'}
_per_location = {'model.mi_loss.sample_mode': 'per_location'}
# 80 of the 176 iterations (8 epochs of 22)
_warmup = {'model.mi_loss.warmup_iters': 80}
variants = dict(
    _delete_=True,
    tde_rdm={'model.mi_loss': None},
    full_attention=_attention,
    full_all=_all,
    full_attention_per_location=dict(_attention, **_per_location),
    full_all_per_location=dict(_all, **_per_location),
    full_attention_alpha0_1=dict(_attention,
                                 **{'model.mi_loss.loss_weight': 0.1}),
    full_all_alpha0_1=dict(_all, **{'model.mi_loss.loss_weight': 0.1}),
    full_attention_alpha10=dict(_attention,
                                **{'model.mi_loss.loss_weight': 10.0}),
    full_all_alpha10=dict(_all, **{'model.mi_loss.loss_weight': 10.0}),
    full_attention_warmup=dict(_attention, **_warmup),
    full_all_warmup=dict(_all, **_warmup),
)
probe_variants = [name for name in variants if name.startswith('full')]
