# Copyright (c) tdmi_mmpose contributors.
