"""Channel adapters: one module per provider, each following the provider's documented HTTP
contract. ``registry.adapter_for(channel)`` picks the configured backend (console by default).
"""
