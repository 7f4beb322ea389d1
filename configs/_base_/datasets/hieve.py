# HiEve ("Human in Events", Crowd Pose Estimation in Complex Events) pose
# metainfo, in mmpose's dataset-info format (as mmpose's
# configs/_base_/datasets/posetrack18.py).
# - Keypoint names and order (ids 0-13): the official HiEve format page,
#   http://humaninevents.org/format.html (Nose, Chest, Right-shoulder,
#   Right-elbow, Right-wrist, Left-shoulder, Left-elbow, Left-wrist,
#   Right-hip, Right-knee, Right-ankle, Left-hip, Left-knee, Left-ankle),
#   written in mmpose's snake_case.
# - Colours, skeleton and joint weights: chosen here, following mmpose's
#   COCO/PoseTrack18 configs (left green, right orange, centre blue; 1.2 for
#   elbows and knees, 1.5 for wrists and ankles).
# - Sigmas (OKS falloff, used by the local CocoMetric and NMS): COCO's for
#   the 12 joints COCO shares (shoulders to ankles) and for the nose (0.026).
#   HiEve publishes none, and COCO has no chest; the chest gets 0.079, the
#   value mmpose's CrowdPose config gives its non-COCO torso-top joint
#   (neck), since both are loosely defined points between the shoulders.
dataset_info = dict(
    dataset_name='hieve',
    paper_info=dict(
        author='Lin, Weiyao and Liu, Huabin and Liu, Shizhan and Li, '
        'Yuxi and Qian, Rui and Wang, Tao and Xu, Ning and Xiong, '
        'Hongkai and Qi, Guo-Jun and Sebe, Nicu',
        title='Human in Events: A Large-Scale Benchmark for '
        'Human-centric Video Analysis in Complex Events',
        container='arXiv:2005.04490',
        year='2020',
        homepage='http://humaninevents.org/',
    ),
    keypoint_info={
        0:
        dict(name='nose', id=0, color=[51, 153, 255], type='upper', swap=''),
        1:
        dict(name='chest', id=1, color=[51, 153, 255], type='upper', swap=''),
        2:
        dict(
            name='right_shoulder',
            id=2,
            color=[255, 128, 0],
            type='upper',
            swap='left_shoulder'),
        3:
        dict(
            name='right_elbow',
            id=3,
            color=[255, 128, 0],
            type='upper',
            swap='left_elbow'),
        4:
        dict(
            name='right_wrist',
            id=4,
            color=[255, 128, 0],
            type='upper',
            swap='left_wrist'),
        5:
        dict(
            name='left_shoulder',
            id=5,
            color=[0, 255, 0],
            type='upper',
            swap='right_shoulder'),
        6:
        dict(
            name='left_elbow',
            id=6,
            color=[0, 255, 0],
            type='upper',
            swap='right_elbow'),
        7:
        dict(
            name='left_wrist',
            id=7,
            color=[0, 255, 0],
            type='upper',
            swap='right_wrist'),
        8:
        dict(
            name='right_hip',
            id=8,
            color=[255, 128, 0],
            type='lower',
            swap='left_hip'),
        9:
        dict(
            name='right_knee',
            id=9,
            color=[255, 128, 0],
            type='lower',
            swap='left_knee'),
        10:
        dict(
            name='right_ankle',
            id=10,
            color=[255, 128, 0],
            type='lower',
            swap='left_ankle'),
        11:
        dict(
            name='left_hip',
            id=11,
            color=[0, 255, 0],
            type='lower',
            swap='right_hip'),
        12:
        dict(
            name='left_knee',
            id=12,
            color=[0, 255, 0],
            type='lower',
            swap='right_knee'),
        13:
        dict(
            name='left_ankle',
            id=13,
            color=[0, 255, 0],
            type='lower',
            swap='right_ankle'),
    },
    skeleton_info={
        0:
        dict(
            link=('nose', 'chest'),
            id=0,
            color=[51, 153, 255]),
        1:
        dict(
            link=('chest', 'right_shoulder'),
            id=1,
            color=[255, 128, 0]),
        2:
        dict(
            link=('chest', 'left_shoulder'),
            id=2,
            color=[0, 255, 0]),
        3:
        dict(
            link=('right_shoulder', 'right_elbow'),
            id=3,
            color=[255, 128, 0]),
        4:
        dict(
            link=('right_elbow', 'right_wrist'),
            id=4,
            color=[255, 128, 0]),
        5:
        dict(
            link=('left_shoulder', 'left_elbow'),
            id=5,
            color=[0, 255, 0]),
        6:
        dict(
            link=('left_elbow', 'left_wrist'),
            id=6,
            color=[0, 255, 0]),
        7:
        dict(
            link=('right_shoulder', 'right_hip'),
            id=7,
            color=[51, 153, 255]),
        8:
        dict(
            link=('left_shoulder', 'left_hip'),
            id=8,
            color=[51, 153, 255]),
        9:
        dict(
            link=('right_hip', 'left_hip'),
            id=9,
            color=[51, 153, 255]),
        10:
        dict(
            link=('right_hip', 'right_knee'),
            id=10,
            color=[255, 128, 0]),
        11:
        dict(
            link=('right_knee', 'right_ankle'),
            id=11,
            color=[255, 128, 0]),
        12:
        dict(
            link=('left_hip', 'left_knee'),
            id=12,
            color=[0, 255, 0]),
        13:
        dict(
            link=('left_knee', 'left_ankle'),
            id=13,
            color=[0, 255, 0]),
    },
    joint_weights=[
        1., 1., 1., 1.2, 1.5, 1., 1.2, 1.5, 1., 1.2, 1.5, 1., 1.2, 1.5
    ],
    sigmas=[
        0.026, 0.079, 0.079, 0.072, 0.062, 0.079, 0.072, 0.062, 0.107, 0.087,
        0.089, 0.107, 0.087, 0.089
    ])
