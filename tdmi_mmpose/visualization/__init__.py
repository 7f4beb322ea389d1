# Copyright (c) tdmi_mmpose contributors.
from .track_visualizer import TRACK_PALETTE, TrackPoseVisualizer, track_color

__all__ = ['TRACK_PALETTE', 'TrackPoseVisualizer', 'track_color']
