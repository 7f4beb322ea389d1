# The frozen-recipe study of docs/ablation.md: TDMI's parts and the MI
# loss's gradient routing with a pose-pretrained, frozen backbone on
# controlled video with irrelevant motion (fast pan, moving textured
# objects, a passer-by inside the person's crop, motion blur) and joints
# hidden per frame (so that the neighbouring frames matter), for
#   python tools/analysis/ablation_study.py \
#       configs/ablation_studies/irrelevant_motion_frozen.py --work-dir DIR
# The pretraining run (the single-frame model, on its own videos) runs
# first; every variant's backbone is its checkpoint, frozen (the base
# config's `Pretrained` init_cfg, as in the W48 configs).
base_config = '../tdmi_tiny_irrelevant_motion.py'
seeds = [0, 1, 2, 3, 4]

# Irrelevant motion (make_sample_posetrack's arguments; generated into
# <work dir>/data). Motion masks are written beside the annotations.
_irrelevant_motion = dict(
    frames_per_video=16, pan_speed=4.0, moving_objects=4, passer_by=True,
    blur_prob=0.3)
sample_data = dict(
    seed=0, num_videos=(12, 6), label_step=2, occlusion_prob=0.35,
    **_irrelevant_motion)

# The pose-pretrained backbone: the single-frame model trained on its own
# videos (another seed, every frame labelled, no hidden joints), tested on
# the study's val.
pretrain = dict(
    name='pretrained_single_frame',
    config='../tdmi_tiny_single_frame_pretrain.py',
    seed=0,
    sample_data=dict(
        seed=1, num_videos=(30, 0), label_step=1, **_irrelevant_motion),
    cfg_options={
        'val_data_root': '{data_root}',
        'train_dataloader.num_workers': 1,
        'test_dataloader.num_workers': 1,
    })

cfg_options = {
    'backbone_checkpoint': '{pretrained_checkpoint}',
    'train_dataloader.num_workers': 1,
    'test_dataloader.num_workers': 1,
}

_key_frame_offsets = [0]
variants = {
    # the frozen backbone with a new head only (no neck, no MI)
    'frozen_head_only': {
        'model.neck': None,
        'model.mi_loss': None,
        'frame_offsets': _key_frame_offsets,
    },
    # TDE, its motion feature aggregated directly (RDM bypassed, no MI)
    'tde_only': {
        'model.neck.1.bypass': True,
        'model.mi_loss': None,
    },
    # TDE + RDM, no MI loss
    'tde_rdm': {
        'model.mi_loss': None,
    },
    # TDE + RDM + MI, the MI and consistency gradients into the RDM's
    # attention MLPs only
    'full_attention': {
        'model.neck.1.mi_gradient': 'attention',
    },
    # TDE + RDM + MI, the gradients also into M_t and the TDE (SPEC 2.4's
    # plain reading; the frozen backbone gets none either way)
    'full_all': {
        'model.neck.1.mi_gradient': 'all',
    },
}
# the disentanglement probe on every model with an RDM
probe_variants = ['tde_rdm', 'full_attention', 'full_all']
