# The ablation study of docs/ablation.md (the paper's ablations), for
#   python tools/analysis/ablation_study.py \
#       configs/ablation_studies/occluded_video.py --work-dir DIR
# Each variant is a dict of dotted overrides of the base config (as
# --cfg-options takes them); every variant runs with every seed.
base_config = '../tdmi_tiny_occluded_video.py'
seeds = [0, 1, 2]

# Generated into <work dir>/data (make_sample_posetrack's arguments).
sample_data = dict(
    seed=0, num_videos=(10, 4), frames_per_video=16, label_step=2,
    occlusion_prob=0.35)

# Shared by every run: one loader worker (runs go two at a time, see
# --jobs, each on one compute thread).
cfg_options = {
    'train_dataloader.num_workers': 1,
    'test_dataloader.num_workers': 1,
}

_key_frame_offsets = [0]
_delta1_offsets = [-1, 0, 1]
variants = {
    # single-frame model: no neck, no MI, only the key frame is loaded
    'key_frame_only': {
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
    # TDE + RDM + MI: the shipped model
    'full': {},
    'single_stage_tde': {
        'model.neck.0.stages': [3],
    },
    'no_dcn': {
        'model.neck.0.use_dcn': False,
    },
    'delta1': {
        'frame_offsets': _delta1_offsets,
    },
}
