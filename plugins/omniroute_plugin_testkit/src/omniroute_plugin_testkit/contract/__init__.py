"""The provider contract suite: subclass ``ProviderContract`` as ``Test…`` to run it."""

from .subject import Subject
from .suite import ProviderContract

__all__ = ["ProviderContract", "Subject"]
