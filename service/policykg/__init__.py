"""policykg: a knowledge graph of policy arguments in foreign and security policy."""

__version__ = "0.1.0"
