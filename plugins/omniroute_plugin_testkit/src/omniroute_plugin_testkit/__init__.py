"""Test tools for OmniRoute plugins.

Installing the distribution registers the pytest plugin (``pytest_plugin``: the
``mock_upstream`` and gateway fixtures). The classes behind the fixtures work without pytest:

* ``omniroute_plugin_testkit.mock``: mock upstream APIs with recording and scripted faults;
* ``omniroute_plugin_testkit.gateway``: the gateway in process, behind uvicorn, or as the
  real ``omniroute serve`` process;
* ``omniroute_plugin_testkit.contract``: the provider contract suite;
* ``omniroute_plugin_testkit.sse``: a strict server-sent-events reader for assertions.

This module imports nothing, so pytest's loading of the plugin stays cheap.
"""
