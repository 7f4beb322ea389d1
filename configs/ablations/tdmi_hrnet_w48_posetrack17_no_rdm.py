# Ablation: no Representation Disentanglement (M_t is aggregated with the
# key-frame feature directly), hence no MI loss.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(
    neck=[_base_.model.neck[0],
          dict(_base_.model.neck[1], bypass=True)],
    mi_loss=None)
