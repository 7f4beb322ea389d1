# TDMI (SPEC 2): frozen multi-stage HRNet-W48 -> Temporal Difference Encoder
# -> Representation Disentanglement -> HeatmapHead, plus the MI loss.
# The experiment config sets `model.head.decoder` to its dataset's codec.

# mmpose's COCO HRNet-W48 384x288 top-down model (model zoo URL; mmengine
# downloads and caches it when online). Offline, pass a local copy with
# `--cfg-options backbone_checkpoint=PATH`.
backbone_checkpoint = (
    'https://download.openmmlab.com/mmpose/v1/body_2d_keypoint/'
    'topdown_heatmap/coco/'
    'td-hm_hrnet-w48_8xb32-210e_coco-384x288-c161b7de_20220915.pth')
num_keypoints = 17
feat_channels = 48

model = dict(
    type='VideoTopdownPoseEstimator',
    data_preprocessor=dict(
        type='VideoPoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='MultiStageHRNet',
        in_channels=3,
        frozen=True,
        extra=dict(
            stage1=dict(
                num_modules=1,
                num_branches=1,
                block='BOTTLENECK',
                num_blocks=(4, ),
                num_channels=(64, )),
            stage2=dict(
                num_modules=1,
                num_branches=2,
                block='BASIC',
                num_blocks=(4, 4),
                num_channels=(48, 96)),
            stage3=dict(
                num_modules=4,
                num_branches=3,
                block='BASIC',
                num_blocks=(4, 4, 4),
                num_channels=(48, 96, 192)),
            stage4=dict(
                num_modules=3,
                num_branches=4,
                block='BASIC',
                num_blocks=(4, 4, 4, 4),
                num_channels=(48, 96, 192, 384),
                multiscale_output=False)),
        # a whole mmpose top-down checkpoint (keys `backbone.*`) or a plain
        # HRNet one: both are detected; mismatching keys are an error.
        init_cfg=dict(type='Pretrained', checkpoint=backbone_checkpoint),
    ),
    neck=[
        dict(
            type='TemporalDifferenceEncoder',
            in_channels=feat_channels,
            num_blocks=(3, 3, 3, 2),
            stages=(0, 1, 2, 3),
            use_dcn=True,
            cascade=True,
            deform_groups=12,
            offset_dilation=3),
        dict(
            type='RepresentationDisentanglement',
            in_channels=feat_channels,
            hidden_channels=128,
            num_aggregation_blocks=3),
    ],
    head=dict(
        type='HeatmapHead',
        in_channels=feat_channels,
        out_channels=num_keypoints,
        deconv_out_channels=None,
        final_layer=dict(kernel_size=3, padding=1),
        loss=dict(type='KeypointMSELoss', use_target_weight=True)),
    mi_loss=dict(type='MutualInformationLoss', in_channels=feat_channels),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True),
)
