"""A light load generator: thousands of phones in one asyncio process, speaking the real protocol."""
