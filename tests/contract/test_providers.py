"""Every provider registered by every installed plugin passes the provider contract."""

from omniroute_plugin_testkit.contract import ProviderContract


class TestProviderContract(ProviderContract):
    """All installed plugins, all their providers (the suite's defaults)."""
