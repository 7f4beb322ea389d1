# Copyright (c) tdmi_mmpose contributors.
from .mutual_information_loss import (GaussianVariationalNet,
                                      MutualInformationLoss,
                                      gaussian_log_likelihood, vclub_estimate)

__all__ = [
    'GaussianVariationalNet', 'MutualInformationLoss',
    'gaussian_log_likelihood', 'vclub_estimate'
]
