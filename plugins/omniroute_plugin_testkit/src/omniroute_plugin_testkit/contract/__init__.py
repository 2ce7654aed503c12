"""The provider contract suite: subclass ``ProviderContract`` as ``Test…`` to run it.

``ContractUpstream`` and ``Account`` describe a provider the suite cannot stand in for from
its manifest alone (an API dialect, OAuth or service-account credentials); see
``upstreams.py`` for where the suite finds them.
"""

from .subject import Account, Subject
from .suite import ProviderContract
from .upstreams import ENTRY_POINT_GROUP, ContractUpstream, MakeUpstream

__all__ = [
    "ENTRY_POINT_GROUP",
    "Account",
    "ContractUpstream",
    "MakeUpstream",
    "ProviderContract",
    "Subject",
]
