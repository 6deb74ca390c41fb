"""Growth and level accounting (macro panels: countries, provinces, industries)."""

from .accounting import growth_accounting
from .capital import PIM_PRESETS, perpetual_inventory
from .levels import LevelAccounting, level_accounting
from .pwt import pwt_growth_accounting, pwt_hours, pwt_tfp
from .results import GrowthAccounting

__all__ = ["growth_accounting", "GrowthAccounting", "level_accounting", "LevelAccounting", "pwt_tfp", "pwt_hours",
           "pwt_growth_accounting",
           "perpetual_inventory", "PIM_PRESETS"]
