"""Re-implementations of other programs' numerical routines, used only by named reproduction modes."""
