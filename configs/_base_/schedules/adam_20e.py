# SPEC section 3: Adam, lr 1e-3, x0.1 at epochs 6, 12, 18, 20 epochs,
# 8 GPUs x 8 clips; `--auto-scale-lr` rescales lr to the actual batch size.
# mmengine's epoch loop, but a run resumed from an iteration checkpoint
# continues mid-epoch with the same batches and random draws
# (tdmi_mmpose/engine/runner/loops.py).
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=20, val_interval=1)
val_cfg = dict()
test_cfg = dict()

optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=20,
        by_epoch=True,
        milestones=[6, 12, 18],
        gamma=0.1),
]
auto_scale_lr = dict(base_batch_size=64)
