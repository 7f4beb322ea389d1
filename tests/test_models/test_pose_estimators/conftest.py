# Copyright (c) tdmi_mmpose contributors.


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'slow: full-size model check, deselect with -m "not slow"')
