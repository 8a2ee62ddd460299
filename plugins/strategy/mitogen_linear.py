"""Mitogen's linear strategy, from the mitogen package in the venv.

The AWS plays run every module in one persistent interpreter on the control
node, so boto3 is imported once per play instead of once per task. Ansible
loads strategies from a directory; this file makes the installed one
loadable without naming the venv's site-packages path in ansible.cfg.
"""

from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule

__all__ = ["StrategyModule"]
