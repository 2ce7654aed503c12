"""Failure classification and (in later issues) breakers, cooldowns and limits."""
