"""Growth and level accounting (macro panels: countries, provinces, industries) and index-number TFP."""

from ..index_tables import IndexNumberDiagnostics, IndexNumberTFP
from .accounting import growth_accounting
from .capital import PIM_PRESETS, perpetual_inventory
from .index_indicators import TFPIndicator, tfp_indicator
from .index_numbers import multilateral_tfp, tfp_index
from .index_results import MultilateralTFP
from .levels import LevelAccounting, level_accounting
from .pwt import pwt_growth_accounting, pwt_hours, pwt_tfp
from .results import GrowthAccounting

__all__ = ["growth_accounting", "GrowthAccounting", "level_accounting", "LevelAccounting", "pwt_tfp", "pwt_hours",
           "pwt_growth_accounting", "tfp_index", "multilateral_tfp", "IndexNumberTFP", "MultilateralTFP",
           "IndexNumberDiagnostics", "tfp_indicator", "TFPIndicator",
           "perpetual_inventory", "PIM_PRESETS"]
